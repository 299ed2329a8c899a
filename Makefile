# Two commands for a newcomer: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test install sysdeps jsdeps bench-smoke clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@echo '$$ gulag-kg validate | tail -1        # the graph against its SHACL shapes'
	@$(BIN)/gulag-kg validate | tail -1
	@echo
	@echo '$$ gulag-kg claims gulag deaths        # every estimate of the number of deaths, side by side'
	@$(BIN)/gulag-kg claims gulag deaths --format table
	@echo
	@echo '$$ gulag-kg query agency-in-year --param year=1943   # the article contradicts itself: both sides shown'
	@$(BIN)/gulag-kg query agency-in-year --param year=1943 --format table
	@echo
	@echo '$$ gulag-kg query camps-in-place --param place=Kolyma   # places within places, "near" kept apart from "in"'
	@$(BIN)/gulag-kg query camps-in-place --param place=Kolyma --format table
	@echo
	@echo '$$ gulag-kg timeline GULAG | head -12'
	@$(BIN)/gulag-kg timeline GULAG | head -12
	@echo
	@echo 'Next: gulag-kg --help, gulag-kg query --list, gulag-kg describe NKVD, gulag-kg claims gulag deaths --quotes, gulag-kg plot deaths -o deaths.svg'

# Debian packages some tests need (browsers, servers): .ci/system-packages.txt
sysdeps:
	@.ci/install-system-packages

# npm packages some tests need (jsonld.js, rdf-validate-shacl): `npm ci` in each tests/js/*/ that has a package-lock.json
jsdeps:
	@for dir in tests/js/*/; do \
	  if [ -f "$$dir/package-lock.json" ]; then (cd "$$dir" && npm ci --no-audit --no-fund) || exit 1; fi; \
	done

test: $(STAMP) sysdeps jsdeps
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
