"""Where the shipped ontology, shapes, graph and sources are.

gulag-kg runs from a checkout (``pip install -e .``); set ``GULAG_KG_HOME`` to use the data of
another checkout.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The directory holding ``ontology/``, ``shapes/``, ``graph/`` and ``sources/``."""
    home = os.environ.get("GULAG_KG_HOME")
    return Path(home) if home else Path(__file__).resolve().parents[1]


def ontology_files() -> list[Path]:
    return sorted((project_root() / "ontology").glob("*.ttl"))


def shapes_files() -> list[Path]:
    return sorted((project_root() / "shapes").glob("*.shacl.ttl"))


def graph_files() -> list[Path]:
    """The hand-kept and generated data files of the shipped graph, sorted by name."""
    root = project_root() / "graph"
    return sorted(p for p in root.iterdir() if p.suffix in {".ttl", ".trig", ".nq", ".nt", ".jsonld"})


def source_text_path() -> Path:
    return project_root() / "sources" / "wikipedia-en-gulag.txt"


def context_path() -> Path:
    return project_root() / "ontology" / "context.jsonld"


def queries_dir() -> Path:
    return Path(__file__).resolve().parent / "queries"
