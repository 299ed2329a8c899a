"""Plain-text renderings of descriptions, claims, timelines and statistics."""

from __future__ import annotations

import re
import textwrap

from .entities import Description, Entity, compact
from .render import format_delimited, format_table


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


def render_description(d: Description) -> str:
    lines = [f"{d.entity.label}  <{d.entity.iri}>"]
    lines.append("  type: " + ", ".join(compact(t) for t in d.entity.types))
    for lang, label in d.labels:
        lines.append(f"  label ({lang or '-'}): {label}")
    for link in d.same_as:
        lines.append(f"  same as: {link}")
    out_statements = [s for s in d.statements if s.direction == "out" and s.predicate_label != "rdf:type"]
    in_statements = [s for s in d.statements if s.direction == "in"]
    if out_statements:
        lines.append("  facts:")
        lines += [f"    {s.predicate_label}: {s.value_label}" for s in out_statements]
    if in_statements:
        lines.append("  referred to by:")
        lines += [f"    {s.value_label} ({s.predicate_label})" for s in in_statements[:40]]
        if len(in_statements) > 40:
            lines.append(f"    ... and {len(in_statements) - 40} more")
    if d.claims:
        lines.append(f"  claims ({len(d.claims)}):")
        for c in d.claims:
            period = f" [{c.period}]" if c.period else ""
            unit = f" {c.unit}" if c.unit else ""
            by = f" — {c.claimant_label or c.claimant}" if c.claimant else ""
            lines.append(f"    {c.property}: {c.value_text}{unit}{period}{by}")
    if d.quotes:
        lines.append("  evidence:")
        lines += [_wrap(f"“{q}”") for q in d.quotes]
    return "\n".join(lines)


CLAIM_HEADERS = ("property", "value", "unit", "period", "claimant", "stated in", "method", "rank", "stance", "relations", "claim")


def _number(text: str) -> str:
    """``1053829`` as ``1,053,829`` for reading; anything else unchanged."""
    try:
        value = float(text)
    except ValueError:
        return text
    if value.is_integer() and "." not in text:
        return f"{int(value):,}"
    return text


def _value_for_reading(c) -> str:
    if c.value_label:
        return c.value_label
    return re.sub(r"[0-9][0-9.]*", lambda m: _number(m.group()), c.value_text)


def _claim_cells(c) -> list[str]:
    relations = "; ".join(
        f"{r.split(' ', 1)[0]} {compact(r.split(' ', 1)[1])}" if " " in r else r for r in c.relations)
    return [
        c.property, c.value_text, c.unit or "", c.period or "", c.claimant_label or (c.claimant or ""),
        c.stated_in_label or "", c.method or "", c.rank, c.stance or "", relations, compact(c.iri),
    ]


def render_claims(rows, *, fmt: str = "table", quotes: bool = False) -> str:
    """Claims as a table for reading (quotes, relations and notes below it with ``quotes``), or
    CSV/TSV with every field and a quote column."""
    if fmt in ("csv", "tsv"):
        headers = list(CLAIM_HEADERS) + ["quote"]
        data = [_claim_cells(c) + [" | ".join(c.quotes)] for c in rows]
        return format_delimited(headers, data, delimiter="," if fmt == "csv" else "\t")
    one_property = len({c.property for c in rows}) == 1
    headers = ([] if one_property else ["property"]) + ["value", "unit", "period", "claimant", "method", "rank", "stance", "claim"]
    data = [([] if one_property else [c.property]) + [
        _value_for_reading(c), c.unit or "", c.period or "", c.claimant_label or compact(c.claimant or ""),
        c.method_id or "", c.rank, c.stance_id or "", compact(c.iri)] for c in rows]
    table = format_table(headers, data, overflow_last=True)
    if not quotes:
        return table + f"\n({len(rows)} claims; --quotes adds the words of the source, relations and notes)"
    parts = [table, ""]
    for c in rows:
        parts.append(f"{compact(c.iri)}:")
        parts += [_wrap(f"“{q}”") for q in c.quotes]
        for r in c.relations:
            kind, _, other = r.partition(" ")
            parts.append(_wrap(f"{kind} {compact(other)}"))
        if c.qualifier:
            parts.append(_wrap(f"qualifier: {c.qualifier}"))
        if c.stance_reason:
            parts.append(_wrap(f"note: {c.stance_reason}"))
    return "\n".join(parts)


def render_timeline(entity: Entity, entries, *, quotes: bool = False) -> str:
    lines = [f"{entity.label}  <{entity.iri}>"]
    if not entries:
        lines.append("  (no dated history in the graph)")
    for e in entries:
        when = e.when or "(undated)"
        source = f"  [{e.source}]" if e.source else ""
        lines.append(f"  {when:<22} {e.what}{source}")
        if quotes and e.quote:
            lines.append(_wrap(f"“{e.quote}”", indent=" " * 25))
    return "\n".join(lines)


def render_stats(s) -> str:
    def block(title, pairs, limit=15):
        out = [f"{title}:"]
        out += [f"  {n:>6}  {k}" for k, n in pairs[:limit]]
        if len(pairs) > limit:
            out.append(f"  ... {len(pairs) - limit} more")
        return out

    lines = [f"quads: {s.quads:,}"]
    lines += block("named graphs", s.graphs)
    lines += block("entities by class", s.classes, 40)
    lines += block("claims by property", s.claims_by_property, 30)
    lines += block("claims by claimant", s.claims_by_claimant)
    lines += block("claims by source", s.claims_by_source)
    pct = lambda a, b: f"{100 * a / b:.0f}%" if b else "n/a"  # noqa: E731
    lines += [
        "coverage:",
        f"  claims with a quote:          {s.claims_with_quote}/{s.claims} ({pct(s.claims_with_quote, s.claims)})",
        f"  entities with evidence:       {s.entities_with_evidence}/{s.entities} ({pct(s.entities_with_evidence, s.entities)})",
        f"  entities linked to Wikidata:  {s.entities_with_wikidata}/{s.linkable_entities} ({pct(s.entities_with_wikidata, s.linkable_entities)})",
    ]
    return "\n".join(lines)
