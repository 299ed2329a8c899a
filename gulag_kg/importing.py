"""Running importers against the store: the glue between an importer and the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .version import __version__
from .convert import quads_to_rdflib_graph, to_oxigraph_term
from .export import reads_back_as, serialize_quads, write_atomically
from .entities import compact
from .errors import GulagKgError
from .store import ARTICLE_GRAPH, ONTOLOGY_GRAPH, Store


def rdflib_dataset_quads(dataset) -> list[ox.Quad]:
    """The quads of an rdflib Dataset as Oxigraph quads (named graphs kept)."""
    out = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph = ox.NamedNode(str(g.identifier if hasattr(g, "identifier") else g))
        out.append(ox.Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), graph))
    return out


def _reviewed_same_as(result, pairs: tuple[tuple[str, str], ...], article) -> list[ox.Quad]:
    """``owl:sameAs`` quads for pairs a person reviewed, after checking both ends exist."""
    from rdflib import RDF, URIRef

    from .importers.gulagmap import GRAPH_IRI

    imported = result.dataset.graph(GRAPH_IRI)
    out = []
    for article_camp, museum_camp in pairs:
        if (URIRef(article_camp), RDF.type, None) not in article:
            raise GulagKgError(f"--accept-pair: {compact(article_camp)} is not a place of detention of the shipped graph")
        if (URIRef(museum_camp), RDF.type, None) not in imported:
            raise GulagKgError(f"--accept-pair: {compact(museum_camp)} is not a camp of this import")
        out.append(ox.Quad(ox.NamedNode(article_camp), ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"),
                           ox.NamedNode(museum_camp), ox.NamedNode(str(GRAPH_IRI))))
    return out


def run_gulagmap_import(store: Store, directory: Path, *, output: Path | None, report: Path | None,
                        threshold: float, imported_on: dt.date, out: BinaryIO,
                        accepted_pairs: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """Import ``directory``, match its camps with the article graph of ``store``, write the
    result (and the match report); returns the summary lines for the user.

    ``accepted_pairs`` are (article camp, museum camp) IRIs a person reviewed and accepted; they
    become ``owl:sameAs`` whatever their score."""
    from .importers.gulagmap import format_match_report, import_gulagmap

    if output is not None and output.suffix not in (".trig", ".nq"):
        raise GulagKgError(f"{output}: the import keeps its named graph; write it as .trig or .nq")
    article = quads_to_rdflib_graph(q for q in store.quads() if q.graph_name in (ARTICLE_GRAPH, ONTOLOGY_GRAPH))
    result = import_gulagmap(Path(directory), tool_version=__version__, imported_on=imported_on,
                             article_graph=article, threshold=threshold)
    reviewed = _reviewed_same_as(result, accepted_pairs, article)
    quads = rdflib_dataset_quads(result.dataset) + reviewed
    data = serialize_quads(quads, "nquads" if output is not None and output.suffix == ".nq" else "trig")
    if output is None:
        out.write(data)
    else:
        write_atomically(output, data, check=reads_back_as(quads, "nquads" if output.suffix == ".nq" else "trig"))
    if report is not None:
        write_atomically(report, format_match_report(result.matches).encode("utf-8"))
    lines = [f"{r.file}, line {r.line}: rejected: {r.reason}" for r in result.rejections]
    for f in result.files:
        lines.append(f"{f.file}: {f.read} rows read, {f.imported} imported, {f.skipped} skipped (no data), {f.rejected} rejected")
    accepted = sum(m.accepted for m in result.matches)
    lines.append(f"total: {result.rows_read} rows read, {result.rows_imported} imported, {result.rows_skipped} skipped, "
                 f"{len(result.rejections)} rejected; {accepted} camps matched with the article's (owl:sameAs), "
                 f"{len(result.matches) - accepted} candidates to review"
                 + (f", {len(reviewed)} pairs accepted by review" if reviewed else ""))
    if output is not None:
        lines.append(f"wrote {output}")
    return lines
