"""The README stays true: its Python runs, its commands run, and every command is documented."""

from __future__ import annotations

import doctest
import re
import shlex

import pytest

from gulag_kg.cli import cli

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "make demo" in first_block and "make test" in first_block


def test_python_api_examples_run():
    block = README.split("```python", 1)[1].split("```", 1)[0]
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block, {}, "README.md", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert len(test.examples) >= 8


CONSOLE_COMMANDS = [line[2:] for line in re.findall(r"^\$ gulag-kg [^\n]+", README, re.M)]


def test_every_console_command_of_the_readme_runs_in_order(runner, tmp_path, monkeypatch):
    """In a scratch directory beside ../shared, as a reader would run them one after another,
    with a real SPARQL server where the README names one and a small synthetic victims.nt.gz."""
    import gzip

    from .servers import oxigraph_server

    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (tmp_path / "shared").symlink_to(shared)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    (work / "victims.nt.gz").write_bytes(gzip.compress(
        b'<https://example.org/synthetic/person/1> <http://www.w3.org/2000/01/rdf-schema#label> "Synthetic person 1"@en .\n'))
    assert len(CONSOLE_COMMANDS) >= 8
    with oxigraph_server() as server:
        for command in CONSOLE_COMMANDS:
            if not shared.is_dir() and ("../shared" in command or "gulagmap.trig" in command):
                continue
            command = command.split(" | ")[0].split("  #")[0].replace("http://localhost:7878", server.base)
            result = runner.invoke(cli, shlex.split(command)[1:])
            assert result.exit_code == 0, (command, result.output)


def test_every_cli_command_is_documented_in_the_readme():
    documented = set(re.findall(r"`gulag-kg ([a-z-]+)", README))
    assert set(cli.commands) <= documented


def test_exit_codes_are_documented():
    table = README.split("### Exit codes", 1)[1]
    for code in ("| 0 |", "| 1 |", "| 2 |"):
        assert code in table
