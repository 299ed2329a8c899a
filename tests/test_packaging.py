"""The package works anywhere, not only in a checkout.

``python -m build`` makes the sdist and, from it, the wheel (without network: ``--no-isolation``
uses this venv's setuptools). The wheel goes into a fresh venv in a temporary directory (``pip
install --no-deps --no-index``); the dependencies come from this venv through a ``.pth`` file
that names its site-packages as a plain path, so that the checkout's editable install stays
invisible there. Its commands, run from another temporary directory, must print what the
checkout's print. And a missing data folder or file is one line and exit code 2, wherever the
data comes from (``gulag_kg.paths``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from gulag_kg import paths
from gulag_kg.cli import cli
from gulag_kg.version import __version__

from .conftest import ROOT

CHECKOUT_CLI = Path(sys.executable).parent / "gulag-kg"


def _data_files() -> list[str]:
    """Every file of the checkout's data folders, as a path relative to the checkout."""
    return sorted(str(p.relative_to(ROOT)) for name in paths.DATA_FOLDERS for p in (ROOT / name).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def _env() -> dict[str, str]:
    """This process's environment without anything that could point a command at the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("GULAG_KG_HOME", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_NO_INDEX"] = "1"  # belt and braces: no step may reach a package index
    return env


def _run(args: list, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env or _env(), capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    done = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT], cwd=out)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Building wheel from sdist" in done.stdout + done.stderr  # the wheel is made from the sdist
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh venv holding the wheel, and this venv's site-packages as a plain path for the
    dependencies (written after the install, so that pip sees no other gulag-kg)."""
    venv = tmp_path_factory.mktemp("venv")
    done = _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=venv)
    assert done.returncode == 0, done.stderr
    done = _run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet",
                 "--no-deps", "--no-index", dist["wheel"]], cwd=venv)
    assert done.returncode == 0, done.stderr
    site = _run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=venv)
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site.stdout.strip()) / "test-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    return venv


@pytest.fixture
def work(tmp_path) -> Path:
    """A working directory that is neither the checkout nor the venv."""
    (tmp_path / "work").mkdir()
    return tmp_path / "work"


def test_the_sdist_carries_the_data_folders(dist):
    with tarfile.open(dist["sdist"]) as tar:
        names = set(tar.getnames())
    top = f"gulag_kg-{__version__}/"
    assert {top + "setup.py", top + "MANIFEST.in", top + "gulag_kg/paths.py"} <= names
    missing = [f for f in _data_files() if top + f not in names]
    assert not missing, missing
    assert top + "ontology/context.jsonld" in names and top + "sources/wikipedia-en-gulag.txt" in names


def test_the_wheel_carries_the_data_inside_the_package(dist):
    names = set(zipfile.ZipFile(dist["wheel"]).namelist())
    missing = [f for f in _data_files() if "gulag_kg/_data/" + f not in names]
    assert not missing, missing
    assert "gulag_kg/queries/agency-in-year.rq" in names and "gulag_kg/web/templates/base.html" in names
    assert not [n for n in names if n.startswith(("ontology/", "shapes/", "graph/", "sources/", "tests/"))]


def test_the_installed_package_reads_its_own_data(venv, work):
    env = _env()
    assert "GULAG_KG_HOME" not in env
    done = _run([venv / "bin" / "python", "-c", "import gulag_kg, gulag_kg.paths as p; "
                 "print(gulag_kg.__file__); print(p.project_root()); print(p.data_origin()[1])"], cwd=work, env=env)
    assert done.returncode == 0, done.stderr
    module, root, origin = done.stdout.splitlines()
    assert Path(module).is_relative_to(venv) and not Path(module).is_relative_to(ROOT)
    assert Path(root).is_relative_to(venv) and Path(root).name == "_data"
    assert origin == "the installed package"


@pytest.mark.parametrize("args, expected", [
    (["validate"], "0 violation(s)"),
    (["describe", "NKVD"], "<https://w3id.org/gulag-kg/id/agency/nkvd>"),
    (["query", "agency-in-year", "--param", "year=1943", "--format", "tsv"], "<https://w3id.org/gulag-kg/id/agency/nkgb>"),
    (["check-quotes"], "quotes are verbatim"),
])
def test_installed_commands_print_what_the_checkout_prints(venv, work, args, expected):
    installed = _run([venv / "bin" / "gulag-kg", *args], cwd=work)
    checkout = _run([CHECKOUT_CLI, *args], cwd=work)
    assert installed.returncode == 0, installed.stderr
    assert expected in installed.stdout
    assert (installed.returncode, installed.stdout, installed.stderr) == (checkout.returncode, checkout.stdout, checkout.stderr)


def test_installed_export_is_the_checkouts_export(venv, work):
    installed = _run([venv / "bin" / "gulag-kg", "export", "--format", "nt", "-o", "installed.nt"], cwd=work)
    assert installed.returncode == 0, installed.stderr
    checkout = _run([CHECKOUT_CLI, "export", "--format", "nt", "-o", "checkout.nt"], cwd=work)
    assert checkout.returncode == 0, checkout.stderr
    data = (work / "installed.nt").read_bytes()
    assert data.count(b"\n") > 10_000 and b"<https://w3id.org/gulag-kg/id/agency/nkvd>" in data
    assert data == (work / "checkout.nt").read_bytes()


def _one_error_line(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    for word in words:
        assert word in lines[0]


def test_a_missing_installed_folder_is_one_line(venv, work):
    shapes = next(venv.rglob("gulag_kg/_data/shapes"))
    shapes.rename(shapes.with_name("shapes-gone"))
    try:
        done = _run([venv / "bin" / "gulag-kg", "validate"], cwd=work)
    finally:
        shapes.with_name("shapes-gone").rename(shapes)
    _one_error_line(done, f"no folder {shapes}", "the installed package", "reinstall gulag-kg")


def test_gulag_kg_home_wins_over_the_installed_data(venv, work):
    env = _env() | {"GULAG_KG_HOME": str(work / "nowhere")}
    done = _run([venv / "bin" / "gulag-kg", "describe", "NKVD"], cwd=work, env=env)
    _one_error_line(done, f"no folder {work / 'nowhere' / 'ontology'}", "GULAG_KG_HOME")


def test_link_will_not_write_into_the_installed_package(venv, work):
    done = _run([venv / "bin" / "gulag-kg", "link", "from-table"], cwd=work)
    _one_error_line(done, "will not write", "wikidata.ttl", "installed package")
    assert not list(venv.rglob("_data/graph/*.tmp*"))


# --- a checkout's data directory (GULAG_KG_HOME), in process --------------------------------


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "home"
    for name in paths.DATA_FOLDERS:
        shutil.copytree(ROOT / name, root / name)
    monkeypatch.setenv("GULAG_KG_HOME", str(root))
    return root


def test_the_checkout_reads_its_own_folders(monkeypatch):
    monkeypatch.delenv("GULAG_KG_HOME", raising=False)
    assert paths.data_origin() == (ROOT, "the checkout")
    assert paths.shapes_files()[0].parent == ROOT / "shapes"
    assert not (ROOT / "gulag_kg" / "_data").exists()  # an editable install copies nothing


def test_gulag_kg_home_is_read(home):
    (home / "graph" / "s1-lead-overview.ttl").unlink()
    assert paths.data_origin() == (home, "GULAG_KG_HOME")
    assert home / "graph" / "s2-origins.ttl" in paths.graph_files()
    assert all(p.is_relative_to(home) for p in paths.graph_files() + paths.shapes_files() + paths.ontology_files())


@pytest.mark.parametrize("remove, args, words", [
    ("shapes", ["validate"], ["no folder", "/shapes ", "GULAG_KG_HOME"]),
    ("shapes/*", ["validate"], ["no *.shacl.ttl file in", "/shapes "]),
    ("ontology/context.jsonld", ["export", "--format", "jsonld"], ["no file", "context.jsonld"]),
    ("sources/wikipedia-en-gulag.txt", ["check-quotes"], ["no file", "wikipedia-en-gulag.txt"]),
    ("sources/wikipedia-en-gulag.txt", ["coverage"], ["no file", "wikipedia-en-gulag.txt"]),
    ("graph/*", ["describe", "NKVD"], ["no *.ttl or *.trig or *.nq or *.nt or *.jsonld file in", "/graph "]),
])
def test_a_missing_data_file_is_one_line_and_exit_2(home, runner, remove, args, words):
    for path in home.glob(remove):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in result.output
