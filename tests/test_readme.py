"""The README stays true: its Python runs, its commands run, and every command is documented."""

from __future__ import annotations

import doctest
import re
import shlex
from dataclasses import dataclass

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


# --- the tour shows what the commands print -------------------------------------------------
#
# Every `$ gulag-kg ...` line of a console block followed by lines of output is run, and its
# output must be those lines (a line "..." stands for any number of lines). Tables are printed for
# a terminal 160 columns wide. `python -m tests.test_readme --write` rewrites the blocks from what
# the commands print now, so that the README cannot drift from the code.

WIDTH = "160"


@dataclass(frozen=True)
class Step:
    command: str
    expected: tuple[str, ...]
    start: int  # offsets of the expected output in the README
    end: int


def tour_steps(text: str) -> list[Step]:
    steps = []
    for block in re.finditer(r"```console\n(.*?)```", text, re.S):
        body, offset = block.group(1), block.start(1)
        for m in re.finditer(r"^\$ (gulag-kg [^\n]*)\n((?:(?!\$ )[^\n]*\n)*)", body, re.M):
            lines = tuple(m.group(2).splitlines())
            steps.append(Step(m.group(1), lines, offset + m.start(2), offset + m.end(2)))
    return steps


def run_step(runner, command: str) -> list[str]:
    """What a reader sees at a terminal: the command's output, through `| head -N` / `| tail -N`
    if it has one."""
    from unittest import mock

    main, *pipes = [part.strip() for part in command.split(" | ")]
    with mock.patch("gulag_kg.cli._is_terminal", return_value=True):
        result = runner.invoke(cli, shlex.split(main.split("  #")[0])[1:], env={"COLUMNS": WIDTH})
    assert result.exit_code == 0, (command, result.output)
    lines = result.output.splitlines()
    for pipe in pipes:
        tool, n = pipe.split()[0], int(pipe.split()[1].lstrip("-"))
        lines = lines[:n] if tool == "head" else lines[-n:]
    return lines


def matches(expected, actual) -> bool:
    """Line by line, "..." matching any run of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


SHOWN = [s for s in tour_steps(README) if s.expected]


def test_the_tour_has_outputs_to_check():
    commands = " ".join(s.command for s in SHOWN)
    for words in ("claims gulag deaths", "agency-in-year --param year=1943", "camps-in-place --param place=Kolyma",
                  "timeline GULAG", "validate", "check-quotes"):
        assert words in commands


@pytest.mark.parametrize("step", SHOWN, ids=[s.command for s in SHOWN])
def test_the_tour_shows_what_the_command_prints(runner, monkeypatch, tmp_path, step):
    if "../shared" in step.command and not (ROOT.parent / "shared").is_dir():
        pytest.fail("the shared data the README uses is not beside the repository")
    if (ROOT.parent / "shared").is_dir():
        (tmp_path / "shared").symlink_to(ROOT.parent / "shared")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    actual = run_step(runner, step.command)
    assert matches(step.expected, actual), (
        f"the README shows for `{step.command}`:\n" + "\n".join(step.expected) + "\n\nbut it prints:\n" + "\n".join(actual)
        + "\n\n(python -m tests.test_readme --write updates the README)")


def test_the_readme_states_the_defaults_that_help_gives():
    validate = next(line for line in README.splitlines() if line.startswith("| `gulag-kg validate"))
    engine = next(p for p in cli.commands["validate"].params if p.name == "engine")
    assert f"(default: `{engine.default}`" in validate


def write_readme() -> None:
    """Rewrite the outputs of the tour from what the commands print now."""
    from click.testing import CliRunner

    import os
    import tempfile

    text = README
    runner = CliRunner()
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:  # the commands write files (exports, imports): not here
        os.symlink(ROOT.parent / "shared", os.path.join(scratch, "shared"))
        os.mkdir(os.path.join(scratch, "work"))
        os.chdir(os.path.join(scratch, "work"))
        try:
            outputs = {step: run_step(runner, step.command) for step in SHOWN}
        finally:
            os.chdir(here)
    for step in sorted(SHOWN, key=lambda s: -s.start):
        actual = outputs[step]
        if matches(step.expected, actual):
            continue
        if step.expected[-1] == "..." and len(actual) >= len(step.expected):
            new = actual[: len(step.expected) - 1] + ["..."]
        elif step.expected[0] == "..." and len(actual) >= len(step.expected):
            new = ["..."] + actual[len(actual) - len(step.expected) + 1:]
        else:
            new = actual
        text = text[: step.start] + "".join(line + "\n" for line in new) + text[step.end:]
    (ROOT / "README.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.test_readme --write")
    write_readme()
