# Two commands for a newcomer: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test install bench-smoke clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@echo '$$ gulag-kg validate'
	@$(BIN)/gulag-kg validate
	@echo
	@echo '$$ gulag-kg claims gulag deaths'
	@$(BIN)/gulag-kg claims gulag deaths
	@echo
	@echo '$$ gulag-kg timeline "GULAG"'
	@$(BIN)/gulag-kg timeline gulag
	@echo
	@echo '$$ gulag-kg stats'
	@$(BIN)/gulag-kg stats

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
