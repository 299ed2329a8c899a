"""Running importers against the store: the glue between an importer and the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .version import __version__
from .convert import quads_to_rdflib_graph, to_oxigraph_term
from .export import reads_back_as, serialize_quads, write_atomically
from .entities import compact
from .errors import GulagKgError
from .store import ARTICLE_GRAPH, ONTOLOGY_GRAPH, Store

_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")


def rdflib_dataset_quads(dataset) -> list[ox.Quad]:
    """The quads of an rdflib Dataset as Oxigraph quads (named graphs kept)."""
    out = []
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph = ox.NamedNode(str(g.identifier if hasattr(g, "identifier") else g))
        out.append(ox.Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), graph))
    return out


def rdflib_graphs_quads(graphs) -> list[ox.Quad]:
    """The triples of rdflib graphs as Oxigraph quads in the named graph of each graph's identifier."""
    out = []
    for graph in graphs:
        name = ox.NamedNode(str(graph.identifier))
        convert = to_oxigraph_term
        out.extend(ox.Quad(convert(s), convert(p), convert(o), name) for s, p, o in graph)
    return out


def _reviewed_same_as(results, pairs: tuple[tuple[str, str], ...], article) -> list[ox.Quad]:
    """``owl:sameAs`` quads for pairs a person reviewed, after checking both ends exist (one quad
    in each imported graph that has the camp)."""
    from rdflib import RDF, URIRef

    out = []
    for article_camp, museum_camp in pairs:
        if (URIRef(article_camp), RDF.type, None) not in article:
            raise GulagKgError(f"--accept-pair: {compact(article_camp)} is not a place of detention of the shipped graph")
        graphs = [r.graph for r in results if (URIRef(museum_camp), RDF.type, None) in r.graph]
        if not graphs:
            raise GulagKgError(f"--accept-pair: {compact(museum_camp)} is not a camp of this import")
        out.extend(ox.Quad(ox.NamedNode(article_camp), _SAME_AS, ox.NamedNode(museum_camp), ox.NamedNode(str(g.identifier)))
                   for g in graphs)
    return out


def run_gulagmap_import(store: Store, directory: Path | Sequence[Path], *, output: Path | None, report: Path | None,
                        threshold: float, imported_on: dt.date, out: BinaryIO,
                        accepted_pairs: tuple[tuple[str, str], ...] = (), comparison: Path | None = None,
                        anomalies: Path | None = None) -> list[str]:
    """Import one or both releases of the museum's data (each directory recognised by its
    files), match the camps with the article graph of ``store``, write the result (and the
    reports); returns the summary lines for the user.

    ``accepted_pairs`` are (article camp, museum camp) IRIs a person reviewed and accepted; they
    become ``owl:sameAs`` whatever their score. ``comparison`` receives the per-camp comparison
    of the two releases (TSV), ``anomalies`` every anomaly (TSV); without it each anomaly is a
    line of the summary."""
    from .importers.gulagmap import import_releases
    from .importers.matching import format_match_report
    from .importers.report import format_anomalies, summary_lines

    directories = [Path(directory)] if isinstance(directory, (str, Path)) else [Path(d) for d in directory]
    if output is not None and output.suffix not in (".trig", ".nq"):
        raise GulagKgError(f"{output}: the import keeps its named graphs; write it as .trig or .nq")
    if comparison is not None and len(directories) < 2:
        raise GulagKgError("--comparison needs both releases: give the 2017 and the 2018 directory")
    article = quads_to_rdflib_graph(q for q in store.quads() if q.graph_name in (ARTICLE_GRAPH, ONTOLOGY_GRAPH))
    releases = import_releases(directories, tool_version=__version__, imported_on=imported_on,
                               article_graph=article, threshold=threshold)
    reviewed = _reviewed_same_as(releases.results, accepted_pairs, article)
    quads = rdflib_graphs_quads(releases.graphs) + reviewed
    fmt = "nquads" if output is not None and output.suffix == ".nq" else "trig"
    if output is None:
        out.write(serialize_quads(quads, fmt))
    else:
        write_atomically(output, serialize_quads(quads, fmt), check=reads_back_as(quads, fmt))
    if report is not None:
        write_atomically(report, format_match_report(releases.matches).encode("utf-8"))
    if comparison is not None and releases.comparison is not None:
        from .importers.compare import format_comparison_report

        write_atomically(comparison, format_comparison_report(releases.comparison).encode("utf-8"))
    if anomalies is not None:
        write_atomically(anomalies, format_anomalies(releases.results).encode("utf-8"))
    lines = summary_lines(releases, anomalies_listed=anomalies is None)
    if reviewed:
        lines.append(f"{len(accepted_pairs)} pairs accepted by review (owl:sameAs)")
    for path in (output, report, comparison, anomalies):
        if path is not None:
            lines.append(f"wrote {path}")
    return lines
