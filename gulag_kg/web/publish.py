"""``gulag-kg publish DIR``: the whole site as static files that any static host serves.

The documents are those of ``gulag-kg serve`` (:class:`gulag_kg.web.site.Site`, same templates):
a page and six RDF documents per resource, the map, the charts, the named queries with their
answers, the ontology and vocabularies, per-graph and whole-graph dumps, and ``search-index.json``
for the search page's script (a static host runs no code). Links are relative, so the site works
under any base URL.

The site is built in a temporary directory beside ``DIR`` and moved into place at the end: an
interrupted or failed publish leaves the previous site as it was. A ``DIR`` that exists and was
not written by ``publish`` (no ``.gulag-kg-site`` marker) is refused, never overwritten.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import GulagKgError
from ..kg import KnowledgeGraph
from ..store import EndpointStore
from ..version import __version__
from .linked_data import DOCUMENT_TYPES
from .pages import STATIC_DIR
from .site import Site

MARKER = ".gulag-kg-site"


@dataclass(frozen=True)
class PublishReport:
    """What ``publish`` wrote: files and bytes, of which pages (HTML) and RDF documents."""

    directory: str
    files: int
    bytes: int
    pages: int
    rdf_documents: int
    resources: int


def _check_target(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise GulagKgError(f"{directory}: exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()) and not (directory / MARKER).is_file():
        raise GulagKgError(f"{directory}: the directory is not empty and was not written by 'gulag-kg publish' "
                           f"(no {MARKER} file); choose another directory or empty it")


def _write(root: Path, path: str, body: bytes) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)


def _render(site: Site, paths: list[str], root: Path) -> tuple[int, int]:
    """Write the documents at ``paths``; (files, bytes). A document that does not answer 200 is
    a bug of the site, and stops the publish."""
    files = size = 0
    for path in paths:
        doc = site.document(path)
        if doc.status != 200:
            raise GulagKgError(f"{path}: the site answered {doc.status}; nothing was published")
        _write(root, path, doc.body)
        files += 1
        size += len(doc.body)
    return files, size


def _render_in_children(site: Site, paths: list[str], root: Path, workers: int) -> tuple[int, int]:
    """Render in ``workers`` forked processes (the graph is shared copy-on-write)."""
    import multiprocessing

    chunks = [paths[i::workers] for i in range(workers)]
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        results = pool.starmap(_child_render, [(chunk, str(root)) for chunk in chunks])
    errors = [r for r in results if isinstance(r, str)]
    if errors:
        raise GulagKgError(errors[0])
    return sum(r[0] for r in results), sum(r[1] for r in results)


_CHILD_SITE: Site | None = None


def _child_render(paths: list[str], root: str):
    try:
        return _render(_CHILD_SITE, paths, Path(root))
    except GulagKgError as exc:
        return str(exc)


def publish_site(kg: KnowledgeGraph, directory: Path | str, *, sparql_url: str | None = None,
                 workers: int | None = None, progress: Callable[[str], None] | None = None) -> PublishReport:
    """Write the site for ``kg`` to ``directory`` (replacing an earlier publish there).

    ``sparql_url``: a SPARQL endpoint to link from the pages (none by default: a static site has
    no endpoint). ``workers``: processes that render (default: the CPUs, for a local store).
    """
    global _CHILD_SITE
    directory = Path(directory)
    _check_target(directory)
    site = Site(kg, published=True, sparql_url=sparql_url)
    say = progress or (lambda _: None)
    say("listing the documents")
    paths = site.paths()
    # What every page shares is computed before rendering (and before forking, so that the
    # children inherit it): the search index, the map's points and frame, the charts.
    for shared in ("index.html", "map.html", "charts.html", "browse/all.html"):
        site.document(shared)
    directory.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        if workers is None:
            workers = 1 if isinstance(kg.store, EndpointStore) else max(1, min(os.cpu_count() or 1, 4))
        say(f"rendering {len(paths):,} documents with {workers} process{'es' if workers > 1 else ''}")
        if workers > 1 and hasattr(os, "fork") and not isinstance(kg.store, EndpointStore):
            _CHILD_SITE = site
            try:
                files, size = _render_in_children(site, paths, build, workers)
            finally:
                _CHILD_SITE = None
        else:
            files, size = _render(site, paths, build)
        shutil.copytree(STATIC_DIR, build / "static")
        _write(build, "404.html", site.not_found(None).body)
        _write(build, ".nojekyll", b"")
        _write(build, ".htaccess", _apache_types())
        _write(build, MARKER, f"written by gulag-kg {__version__} publish\n".encode())
        say("moving the site into place")
        _replace(build, directory)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    pages = sum(1 for p in paths if p.endswith(".html")) + 1
    rdf = sum(1 for p in paths if p.rsplit(".", 1)[-1] in DOCUMENT_TYPES and not p.endswith(".html"))
    return PublishReport(str(directory), files + 4, size, pages, rdf, len(site.resources()))


def _replace(build: Path, directory: Path) -> None:
    old = None
    if directory.exists():
        old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
        directory.rename(old)
    build.rename(directory)
    build.parent.joinpath(directory.name).chmod(0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _apache_types() -> bytes:
    """Content types for Apache hosts (other hosts: see docs/publishing.md)."""
    lines = ["# Written by gulag-kg publish: the content types of the site's documents.", "AddDefaultCharset utf-8"]
    for media in DOCUMENT_TYPES.values():
        lines.append(f"AddType {media.media} .{media.extension}")
    lines += ["AddType application/sparql-query .rq", "ErrorDocument 404 /404.html", ""]
    return "\n".join(lines).encode()
