"""Two releases of one source side by side: the figures they share, agree on or not, and the
figures one release dates differently from the other.

Each figure stays a claim of its own release. Where both give the same figure for the same site
and year, the two claims are linked by ``gk:sameFigureAs``; where they differ, both simply stand
side by side (the report lists them). Where the later release gives an earlier release's figure
one year later, the two claims are linked by ``gk:sameFigureDatedDifferently`` and, per site, the
finding is recorded as an interpretation: a ``gk:countDatingOffset`` claim made by the curators
(method "comparison of releases", stance "inferred"), with the pairs it rests on as evidence.
Nothing is moved or "fixed".

A site is found shifted when at least one of its figures appears one year later in the later
release (and not at the same year), and such figures are at least as many as the figures that
agree at the same year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ..namespaces import EDTF, GK, GRAPH, ID, PROV, VOCAB
from .anomalies import Figure
from .core import new_graph
from .graph import CURATORS, IMPORTER, Writer
from .terms import GKC

__all__ = ["Comparison", "SiteComparison", "compare_figures", "format_comparison_report"]

METHOD = VOCAB["method/release-comparison"]
STANCE = VOCAB["stance/inferred"]


@dataclass(frozen=True)
class SiteComparison:
    """The figures of one site (one record of the earlier release) in both releases."""

    site: Hashable
    record: int | str
    label: str
    same: tuple[tuple[int, int], ...]  # (year, value) given by both for the same year
    shifted: tuple[tuple[int, int], ...]  # (year in the earlier release, value) given one year later by the later one
    differ: tuple[tuple[int, int, int], ...]  # (year, earlier value, later value), not explained by a shift
    only_earlier: int
    only_later: int

    @property
    def one_year_later(self) -> bool:
        return bool(self.shifted) and len(self.shifted) >= len(self.same)


@dataclass(frozen=True)
class Comparison:
    """All sites both releases give figures for, and the graph of the comparison."""

    earlier: str
    later: str
    sites: tuple[SiteComparison, ...]
    graph: rdflib.Graph

    @property
    def shifted_sites(self) -> tuple[SiteComparison, ...]:
        return tuple(s for s in self.sites if s.one_year_later)

    @property
    def agreements(self) -> int:
        return sum(len(s.same) for s in self.sites)

    @property
    def differences(self) -> int:
        return sum(len(s.differ) for s in self.sites)

    @property
    def shifted_figures(self) -> int:
        return sum(len(s.shifted) for s in self.sites)


def compare_figures(
    earlier: Iterable[Figure],
    later: Iterable[Figure],
    *,
    earlier_writer: Writer,
    later_writer: Writer,
    slug: str,
    labels: dict[Hashable, str],
    site_iri,
    imported_on: date,
    names: tuple[str, str],
) -> Comparison:
    """Compare the figures of two releases (``names``: how to call them, e.g. ("2017", "2018"))
    site by site and write the comparison into the named graph ``GRAPH[slug]``.

    The earlier release's figures are grouped by record (a site described by two records is
    compared twice), the later one's by site and year.
    """
    graph_iri = GRAPH[slug]
    g = new_graph(graph_iri)
    activity = ID[f"import/{slug}-{imported_on.isoformat()}"]
    by_site_year: dict[tuple, Figure] = {}
    later_sites: dict[Hashable, dict[int, Figure]] = defaultdict(dict)
    for f in later:
        later_sites[f.site].setdefault(f.year, f)
        by_site_year.setdefault((f.site, f.year), f)
    by_record: dict[tuple, dict[int, Figure]] = defaultdict(dict)
    for f in earlier:
        by_record[(f.site, f.record.locator, f.record.values.get("id", f.record.locator))][f.year] = f
    sites = []
    for (site, _locator, record_id), series in sorted(by_record.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][2]))):
        other = later_sites.get(site)
        if not other:
            continue
        same, shifted, differ, links, shift_links = [], [], [], [], []
        for year, f in sorted(series.items()):
            b_same, b_next = other.get(year), other.get(year + 1)
            if b_same is not None and b_same.value == f.value:
                same.append((year, f.value))
                links.append((f, b_same))
            elif b_next is not None and b_next.value == f.value:
                shifted.append((year, f.value))
                shift_links.append((f, b_next))
            elif b_same is not None:
                b_prev = series.get(year - 1)
                if not (b_prev is not None and b_prev.value == b_same.value):
                    differ.append((year, f.value, b_same.value))
        result = SiteComparison(site, record_id, labels.get(site, str(site)), tuple(same), tuple(shifted), tuple(differ),
                                len(set(series) - set(other)), len(set(other) - set(series)))
        sites.append(result)
        for a, b in links:
            g.add((a.node, GK.sameFigureAs, b.node))
            g.add((b.node, GK.sameFigureAs, a.node))
        for a, b in shift_links:
            g.add((a.node, GKC.sameFigureDatedDifferently, b.node))
            g.add((b.node, GKC.sameFigureDatedDifferently, a.node))
        if result.one_year_later:
            _interpretation(g, result, shift_links, earlier_writer, later_writer, site_iri(site), activity, names)
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, Literal(f"Comparison of the {names[0]} and {names[1]} releases, {imported_on.isoformat()}", lang="en")))
    g.add((activity, PROV.used, earlier_writer.source.dataset))
    g.add((activity, PROV.used, later_writer.source.dataset))
    g.add((activity, PROV.wasAssociatedWith, IMPORTER))
    g.add((activity, PROV.wasAssociatedWith, CURATORS))
    return Comparison(names[0], names[1], tuple(sites), g)


def _interpretation(g, site: SiteComparison, pairs, earlier_writer: Writer, later_writer: Writer, subject: URIRef,
                    activity: URIRef, names: tuple[str, str]) -> None:
    iri = ID[f"claim/count-dating-offset-{earlier_writer.source.slug}-{later_writer.source.slug}-"
             f"{str(subject).rsplit('/', 1)[-1]}-r{site.record}"]
    shown = "; ".join(f"{y}: {v:,} → {y + 1}" for y, v in site.shifted[:8]) + ("; ..." if len(site.shifted) > 8 else "")
    years = [y for y, _v in site.shifted] + [y + 1 for y, _v in site.shifted]
    reason = (f"{len(site.shifted)} of the camp's counts in the {names[0]} release appear one year later in the {names[1]} "
              f"release ({shown}), {len(site.same)} at the same year"
              + (f", {len(site.differ)} differ" if site.differ else "") +
              ". The two releases may date their counts differently; neither figure is changed.")
    g.add((iri, RDF.type, GK.Claim))
    g.add((iri, GK.subject, subject))
    g.add((iri, GK.property, GKC.countDatingOffset))
    g.add((iri, GK.value, Literal(1, datatype=XSD.integer)))
    g.add((iri, GK.unit, VOCAB["unit/years"]))
    g.add((iri, GK.period, Literal(f"{min(years)}/{max(years)}", datatype=EDTF.EDTF)))
    g.add((iri, GK.claimant, CURATORS))
    g.add((iri, GK.method, METHOD))
    g.add((iri, GK.rank, GK.NormalRank))
    g.add((iri, GK.stance, STANCE))
    g.add((iri, GK.qualifier, Literal(f"the {names[1]} release relative to the {names[0]} release", lang="en")))
    g.add((iri, GK.stanceReason, Literal(reason, lang="en")))
    g.add((iri, PROV.wasDerivedFrom, earlier_writer.source.dataset))
    g.add((iri, PROV.wasDerivedFrom, later_writer.source.dataset))
    g.add((iri, PROV.wasAttributedTo, CURATORS))
    g.add((iri, PROV.wasGeneratedBy, activity))
    for a, b in pairs:
        g.add((iri, PROV.wasDerivedFrom, a.node))
        g.add((iri, PROV.wasDerivedFrom, b.node))
        for writer, fig in ((earlier_writer, a), (later_writer, b)):
            _evidence_into(g, writer, iri, fig)


def _evidence_into(g, writer: Writer, subject: URIRef, fig: Figure) -> None:
    """Evidence of ``fig``'s record, written into the comparison graph ``g``."""
    saved = writer.graph
    writer.graph = g
    try:
        writer.evidence(subject, fig.record, *((fig.field,) if fig.record.is_json and fig.field else ()))
    finally:
        writer.graph = saved


def format_comparison_report(comparison: Comparison) -> str:
    """One TSV line per site both releases count: the agreements, the shift, the differences."""
    head = ("camp", "label", "record", "same_year", "one_year_later", "differ", f"only_{comparison.earlier}",
            f"only_{comparison.later}", "finding", "evidence")
    lines = ["\t".join(head)]
    for s in comparison.sites:
        finding = (f"{comparison.later} gives the counts one year later" if s.one_year_later
                   else "agree" if s.same and not s.differ and not s.shifted else "mixed" if s.shifted or s.differ else "no shared year")
        evidence = "; ".join([f"{y}: {v}→{y + 1}" for y, v in s.shifted] + [f"{y}: {a}≠{b}" for y, a, b in s.differ])
        cells = (str(s.site), s.label, str(s.record), str(len(s.same)), str(len(s.shifted)), str(len(s.differ)),
                 str(s.only_earlier), str(s.only_later), finding, evidence)
        lines.append("\t".join(" ".join(c.split()) for c in cells))
    return "\n".join(lines) + "\n"
