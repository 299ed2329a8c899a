"""The account of an import in words and tables: what was read, imported, skipped and
rejected (with file and line), what was flagged, matched and compared."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .core import ImportResult

__all__ = ["format_anomalies", "summary_lines"]


def _tally(c, unit: str) -> str:
    return f"{c.file}: {c.read} {unit} read, {c.imported} imported, {c.skipped} skipped (no data), {c.rejected} rejected"


def _cell(text: str) -> str:
    return " ".join(str(text).split())


def format_anomalies(results: Iterable[ImportResult]) -> str:
    """Every anomaly as TSV: source, file, line, kind, node, message."""
    lines = ["\t".join(("source", "file", "line", "kind", "node", "message"))]
    for r in results:
        for a in r.anomalies:
            lines.append("\t".join(_cell(c) for c in (r.source, a.file, a.line, a.kind, a.subject, a.message)))
    return "\n".join(lines) + "\n"


def summary_lines(releases, *, anomalies_listed: bool = True) -> list[str]:
    """The summary of an import for the user, ending with the totals that prove every record is
    accounted for (read = imported + skipped + rejected)."""
    lines: list[str] = []
    for r in releases.results:
        lines += [f"{r.source}, {x.file}, line {x.line}: rejected: {x.reason}" for x in r.rejections]
        if anomalies_listed:
            lines += [f"{r.source}, {a.file}, line {a.line}: anomaly ({a.kind}): {a.message}" for a in r.anomalies]
    for r in releases.results:
        unit = "records" if any(f.file.endswith(".json") for f in r.files) else "rows"
        lines += [f"{r.source}: " + _tally(c, unit) for c in r.files]
        lines += [f"{r.source}: {r.files[0].file}: " + _tally(c, "values").replace(" (no data)", "") for c in r.values]
        kinds = Counter(a.kind for a in r.anomalies)
        if kinds:
            lines.append(f"{r.source}: {len(r.anomalies)} anomalies flagged (SHACL warnings): "
                         + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
        if r.place_links:
            lines.append(f"{r.source}: {len(r.place_links)} camps located in the article's places (gk:locatedIn): "
                         + ", ".join(f"{p.rsplit('/', 1)[-1]} {n}" for p, n in sorted(Counter(str(l.place) for l in r.place_links).items())))
    c = releases.comparison
    if c is not None:
        camps = {s.site for s in c.shifted_sites}
        lines.append(f"comparison {c.earlier}/{c.later}: {len(c.sites)} camp records with counts in both; {c.agreements} counts agree "
                     f"(gk:sameFigureAs), {c.differences} differ (side by side), {c.shifted_figures} appear one year later in "
                     f"{c.later}; {len(camps)} camps found shifted by one year (gk:countDatingOffset)")
    read = sum(r.rows_read for r in releases.results)
    imported = sum(r.rows_imported for r in releases.results)
    skipped = sum(r.rows_skipped for r in releases.results)
    rejected = sum(r.rows_rejected for r in releases.results)
    accepted = sum(m.accepted for m in releases.matches)
    lines.append(f"total: {read} records read, {imported} imported, {skipped} skipped, {rejected} rejected; "
                 f"{accepted} camps matched with the article's (owl:sameAs), {len(releases.matches) - accepted} candidates to review")
    return lines
