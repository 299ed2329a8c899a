"""Plain-text renderings of descriptions, claims, timelines and statistics.

Text for people gives periods in words (``1930s–1950s``, ``25 April 1930``); the machine formats
(CSV, TSV, JSON) keep the EDTF the graph holds (``193X/195X``) and numbers as plain numbers.
"""

from __future__ import annotations

import re
import textwrap

from .entities import Description, Entity, compact
from .render import edtf_text, format_delimited, format_table


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False,
                         break_long_words=False)


def render_description(d: Description, *, conflicts=()) -> str:
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
            period = f" [{edtf_text(c.period)}]" if c.period else ""
            unit = f" {c.unit}" if c.unit else ""
            by = f" — {c.claimant_label or c.claimant}" if c.claimant else ""
            conflict = "".join(f"  ! contradicts {compact(o)}" for o in c.contradicts)
            lines.append(f"    {c.property}: {c.value_text}{unit}{period}{by}{conflict}")
    if d.quotes:
        lines.append("  evidence:")
        lines += [_wrap(f"“{q}”") for q in d.quotes]
    if conflicts:
        lines += ["", render_contradictions(conflicts)]
    return "\n".join(lines)


#: Columns of the machine formats: numbers plain in their own columns, the unit apart, EDTF as
#: the graph holds it and its bounds as ISO dates.
CLAIM_HEADERS = ("property", "value", "value_label", "lower", "upper", "unit", "period", "period_start", "period_end",
                 "qualifier", "categories", "places", "claimant", "claimant_iri", "stated_in", "method", "rank",
                 "stance", "stance_reason", "relations", "claim", "quote")


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
    """One claim for CSV and TSV: every field as the graph holds it (``value`` is the bare
    number or IRI; a range has ``lower`` and ``upper``)."""
    relations = "; ".join(
        f"{r.split(' ', 1)[0]} {compact(r.split(' ', 1)[1])}" if " " in r else r for r in c.relations)
    return [
        c.property, c.value or "", c.value_label or "", c.lower or "", c.upper or "", c.unit or "",
        c.period or "", c.period_start or "", c.period_end or "", c.qualifier or "",
        " ".join(compact(x) for x in c.categories), " ".join(compact(x) for x in c.places),
        c.claimant_label or "", compact(c.claimant) if c.claimant else "", c.stated_in_label or "",
        c.method_id or "", c.rank, c.stance_id or "", c.stance_reason or "", relations, compact(c.iri), " | ".join(c.quotes),
    ]


def render_contradictions(conflicts) -> str:
    """The claims of the source that cannot all be true, both sides with their quotes."""
    if not conflicts:
        return ""
    lines = [f"conflicting claims: the source says {'these' if len(conflicts) > 1 else 'these two'} things that cannot both be true"]
    def describe_side(c) -> str:
        what = c.summary
        if re.fullmatch(r"[≥≤ 0-9.–]+", what):  # a figure or a range, not a label with a year in it
            what = re.sub(r"[0-9][0-9.]*", lambda m: _number(m.group()), what)
        return f"{compact(c.iri)} ({what}{', ' + edtf_text(c.period) if c.period else ''})"

    for k in conflicts:
        lines.append(f"  {describe_side(k.first)}")
        lines.append(f"    contradicts {describe_side(k.second)}")
        for side in (k.first, k.second):
            lines += [_wrap(f"“{q}”", indent="      ") for q in side.quotes]
        reason = k.first.reason or k.second.reason
        if reason:
            lines.append(_wrap(f"note: {reason}", indent="      "))
    return "\n".join(lines)


def render_claims(rows, *, fmt: str = "table", quotes: bool = False, conflicts=()) -> str:
    """Claims grouped by property (one kind of quantity each), as tables for reading, with the
    qualifier that says what each figure counts and the conflicts among them below; or CSV/TSV
    with every field, numbers in their own columns, and a quote column."""
    from .claims import group_claims

    if fmt in ("csv", "tsv"):
        data = [_claim_cells(c) for c in rows]
        return format_delimited(list(CLAIM_HEADERS), data, delimiter="," if fmt == "csv" else "\t")
    contradicted = {c.first.iri for c in conflicts} | {c.second.iri for c in conflicts}
    groups = group_claims(rows)
    parts = []
    for group in groups:
        quantity = any(c.unit for c in group.claims)
        headers = ["value"] + (["unit"] if quantity else []) + ["period", "qualifier", "claimant", "method", "rank", "stance", "claim"]
        data = [[_value_for_reading(c)] + ([c.unit or ""] if quantity else []) + [
            edtf_text(c.period), c.qualifier or "", c.claimant_label or compact(c.claimant or ""),
            c.method_id or "", c.rank, c.stance_id or "",
            ("! " if c.iri in contradicted else "") + compact(c.iri)] for c in group.claims]
        parts.append(f"{group.heading} — {group.property}")  # every table names its kind of quantity
        parts.append(format_table(headers, data, overflow_last=True, keep=("value", "unit", "period", "rank", "stance")))
        parts.append("")
    distinct = len({c.iri for c in rows})  # a claim with two claimants is two rows, one claim
    count = f"({distinct} claim{'s' if distinct != 1 else ''}"
    count += f" of {len(groups)} properties" if len(groups) > 1 else ""
    count += "; ! marks a claim the source contradicts elsewhere" if contradicted else ""
    count += "; --quotes adds the words of the source, relations and notes)" if not quotes else ")"
    parts.append(count)
    if quotes:
        parts.append("")
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
    if conflicts:
        parts += ["", render_contradictions(conflicts)]
    return "\n".join(parts)


def render_timeline(entity: Entity, entries, *, quotes: bool = False, conflicts=()) -> str:
    """An entity's history, one dated line each (dates in words), notes on the source's defects
    marked, and the conflicts among its claims below."""
    lines = [f"{entity.label}  <{entity.iri}>"]
    if not entries:
        lines.append("  (no dated history in the graph)")
    contradicted = {c.first.iri for c in conflicts} | {c.second.iri for c in conflicts}
    width = max([22] + [len(edtf_text(e.when)) for e in entries if len(edtf_text(e.when)) <= 30])
    for e in entries:
        when = edtf_text(e.when) or "(undated)"
        source = f"  [{e.source}]" if e.source else ""
        mark = "  ! contradicted, see below" if e.iri in contradicted else ""
        lines.append(f"  {when:<{width}} {e.what}{source}{mark}")
        if quotes and e.quote:
            lines.append(_wrap(f"“{e.quote}”", indent=" " * (width + 3)))
    if conflicts:
        lines += ["", render_contradictions(conflicts)]
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
