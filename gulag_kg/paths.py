"""Where the shipped ontology, shapes, graph and sources are.

One rule: the first of these that applies chooses the data directory, and there is no falling
through to the next.

1. ``GULAG_KG_HOME``, when set: a directory holding ``ontology/``, ``shapes/``, ``graph/`` and
   ``sources/`` (a checkout, or a copy of its data to edit).
2. The checkout the package is imported from (``pip install -e .``, ``make install``): the
   directory above ``gulag_kg/`` when it holds ``pyproject.toml``. Edits to its folders show at
   once.
3. The copy installed with the package (``pip install`` / ``pipx install`` of the wheel or the
   sdist): ``gulag_kg/_data/``, which setup.py fills from the repository's folders at build time.

A folder or file missing from the chosen directory is a :class:`~gulag_kg.errors.DataNotFoundError`
that names it and the rule that chose the directory (the CLI: one line ``Error: ...``, exit code
2). gulag-kg never quietly reads another place's data instead, nor validates against no shapes.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataNotFoundError, GulagKgError

#: The folders of a data directory (setup.py and MANIFEST.in ship the same four;
#: tests/test_packaging.py checks that the wheel and the sdist hold each of them).
DATA_FOLDERS = ("ontology", "shapes", "graph", "sources")

_PACKAGE = Path(__file__).resolve().parent

_HINTS = {
    "GULAG_KG_HOME": "point GULAG_KG_HOME at a checkout (a directory holding "
                     + ", ".join(f"{name}/" for name in DATA_FOLDERS) + ") or unset it",
    "the checkout": "the checkout is incomplete; 'git status' shows what is missing",
    "the installed package": "the installation is incomplete; reinstall gulag-kg",
}


def data_origin() -> tuple[Path, str]:
    """The data directory the rule above chooses, and which rule chose it (a key of ``_HINTS``)."""
    home = os.environ.get("GULAG_KG_HOME")
    if home:
        return Path(home), "GULAG_KG_HOME"
    if (_PACKAGE.parent / "pyproject.toml").is_file():
        return _PACKAGE.parent, "the checkout"
    return _PACKAGE / "_data", "the installed package"


def _missing(what: str) -> DataNotFoundError:
    root, origin = data_origin()
    return DataNotFoundError(f"{what} (data directory {root}, chosen by {origin}): {_HINTS[origin]}")


def project_root() -> Path:
    """The directory holding ``ontology/``, ``shapes/``, ``graph/`` and ``sources/``, each
    checked to be there."""
    root, _ = data_origin()
    for name in DATA_FOLDERS:
        if not (root / name).is_dir():
            raise _missing(f"no folder {root / name}")
    return root


def _files(folder: str, *patterns: str) -> list[Path]:
    """The files of a data folder matching any of ``patterns``, sorted by name; none at all is
    an error (an empty shapes folder must not make every graph conform)."""
    directory = project_root() / folder
    files = sorted({p for pattern in patterns for p in directory.glob(pattern) if p.is_file()})
    if not files:
        raise _missing(f"no {' or '.join(patterns)} file in {directory}")
    return files


def _file(relative: str) -> Path:
    path = project_root() / relative
    if not path.is_file():
        raise _missing(f"no file {path}")
    return path


def ontology_files() -> list[Path]:
    return _files("ontology", "*.ttl")


def shapes_files() -> list[Path]:
    return _files("shapes", "*.shacl.ttl")


def graph_files() -> list[Path]:
    """The hand-kept and generated data files of the shipped graph, sorted by name."""
    return _files("graph", "*.ttl", "*.trig", "*.nq", "*.nt", "*.jsonld")


def source_text_path() -> Path:
    return _file("sources/wikipedia-en-gulag.txt")


def local_copy(relative: str) -> Path:
    """The stored source text a ``gk:localCopy`` names, relative to the data directory."""
    return _file(relative)


def context_path() -> Path:
    return _file("ontology/context.jsonld")


def writable(path: Path) -> Path:
    """``path``, a file of the data directory a command writes by default (``link``): refused
    when that directory is the installed copy, which ``pip`` owns and would silently undo."""
    if data_origin()[1] == "the installed package":
        raise GulagKgError(f"will not write {path} into the installed package: name another file "
                           "(see --help), or set GULAG_KG_HOME to a checkout")
    return path


def queries_dir() -> Path:
    return _PACKAGE / "queries"
