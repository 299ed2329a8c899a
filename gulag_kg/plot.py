"""Charts of every claim about the Gulag's prisoner population or deaths, for a paper or a page.

Each claim is a row of its own (claims that say the same thing never hide each other): on the
left, the period it covers on a time axis ("period not stated" where the source gives none); on
the right, its figure on an axis that starts at zero (or is labelled as cut, with the longer
ranges marked), as a point, a range or an open bound. Sections keep apart what must not be
compared: totals over a period, levels at a time, figures per year. Every row names its claimant
and the work that states it; claims about the quantity that cannot be drawn as a number of people
(a share, a rate) are listed under the chart with the reason. The SVG keeps its text as text.

:func:`render_chart` returns the chart as bytes with the lists of claims drawn and not drawn
(for the web pages); :func:`plot_quantity` writes it to a file. Neither touches matplotlib's
global state (no pyplot, settings in a context).
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass
from pathlib import Path

from .claims import ClaimRow, list_claims, range_text
from .edtf import edtf_bounds
from .entities import compact
from .errors import GulagKgError
from .export import write_atomically
from .prefixes import ID_NS
from .render import edtf_text
from .store import Store

GULAG = ID_NS + "agency/gulag"
#: matplotlib reads the SVG text setting from its global settings at save time: one chart at a
#: time in a process (a web server's threads), the settings restored after each.
_RENDERING = threading.Lock()


@dataclass(frozen=True)
class _Section:
    property: str
    title: str  # what a row of the section means
    kind: str  # "total", "level" or "rate"


@dataclass(frozen=True)
class _Quantity:
    title: str
    sections: tuple[_Section, ...]
    related: tuple[tuple[str, str], ...]  # (property, why it is not drawn)


QUANTITIES: dict[str, _Quantity] = {
    "deaths": _Quantity(
        "Deaths in the Gulag: every claim in the graph",
        (_Section("deaths", "Total deaths over the period the claim covers", "total"),
         _Section("annualDeaths", "Deaths in each year of the period", "rate")),
        (("shareOfDeaths", "a share of all deaths in percent, not a number of people"),
         ("mortalityRate", "a mortality rate in percent, not a number of people"),
         ("relativeMortality", "mortality as a multiple of another population's, not a number of people"))),
    "population": _Quantity(
        "Gulag prisoner population: every claim in the graph",
        (_Section("prisonerPopulation", "Prisoners held at a time (at the date, or during the period, shown)", "level"),),
        ()),
}


@dataclass(frozen=True)
class ChartRow:
    """One claim drawn: its row number in the chart, what it says and who says it."""

    number: int
    claim: str  # prefixed name
    section: str
    label: str  # claimant, and the work that states it where that is another
    period: str | None  # EDTF
    value: float | None
    lower: float | None
    upper: float | None
    note: str  # qualifier, rank and stance in words


@dataclass(frozen=True)
class NotDrawn:
    """A claim about the quantity that the chart lists instead of drawing, and why."""

    claim: str
    label: str
    reason: str


@dataclass(frozen=True)
class Chart:
    """A rendered chart: ``data`` (SVG or PNG bytes) and every claim it accounts for."""

    quantity: str
    title: str
    fmt: str
    data: bytes
    rows: tuple[ChartRow, ...]
    not_drawn: tuple[NotDrawn, ...]


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _who(c: ClaimRow) -> str:
    """The claimant, and the work that states the claim where its title does not name them."""
    who = c.claimant_label or compact(c.claimant or "") or "unknown claimant"
    if c.stated_in_label and who not in c.stated_in_label:
        who += f", {c.stated_in_label}"
    return who


def _note(c: ClaimRow) -> str:
    parts = [c.qualifier] if c.qualifier else []
    if c.rank != "normal":
        parts.append(f"{c.rank} rank")
    if c.stance_id in ("disputed", "superseded"):
        parts.append(c.stance_id)
    if c.contradicts:
        parts.append("contradicted by " + ", ".join(compact(o) for o in c.contradicts))
    return "; ".join(parts)


def _one_row_per_claim(rows: list[ClaimRow]) -> list[ClaimRow]:
    """A claim with several claimants ("Applebaum and Rosefielde estimate") is one row, naming all."""
    from dataclasses import replace

    merged: dict[str, ClaimRow] = {}
    for row in rows:
        first = merged.get(row.iri)
        if first is None:
            merged[row.iri] = row
        elif row.claimant_label and row.claimant_label not in (first.claimant_label or ""):
            merged[row.iri] = replace(first, claimant_label=f"{first.claimant_label} and {row.claimant_label}")
    return list(merged.values())


def chart_claims(store: Store, quantity: str, subject: str = GULAG) -> tuple[tuple[ChartRow, ...], tuple[NotDrawn, ...]]:
    """Which claims a chart of ``quantity`` draws, in its rows, and which it lists with a reason."""
    if quantity not in QUANTITIES:
        raise GulagKgError(f"unknown quantity {quantity!r}: choose one of {', '.join(QUANTITIES)}")
    spec = QUANTITIES[quantity]
    everything = _one_row_per_claim(list_claims(store, subject))
    drawn: list[ChartRow] = []
    not_drawn: list[NotDrawn] = []
    drawn_iris = set()
    for section in spec.sections:
        rows = [c for c in everything if c.property == "gk:" + section.property]
        rows.sort(key=lambda c: (c.period_start is None, c.period_start or "", c.period_end or "", c.iri))
        for c in rows:
            value, lower, upper = _number(c.value), _number(c.lower), _number(c.upper)
            if c.unit != "people":
                not_drawn.append(NotDrawn(compact(c.iri), _who(c), f"counted in {c.unit or 'no unit'}, not in people"))
            elif value is None and lower is None and upper is None:
                not_drawn.append(NotDrawn(compact(c.iri), _who(c), "the claim gives no figure"))
            else:
                drawn.append(ChartRow(len(drawn) + 1, compact(c.iri), section.title, _who(c), c.period,
                                      value, lower, upper, _note(c)))
                drawn_iris.add(c.iri)
    related = dict(spec.related)
    for c in everything:
        if c.iri in drawn_iris or any(n.claim == compact(c.iri) for n in not_drawn):
            continue
        prop = c.property.removeprefix("gk:")
        linked = [r for r in c.relations if r.split(" ", 1)[-1] in drawn_iris]
        if prop in related:
            reason = related[prop]
        elif linked:
            kind, other = linked[0].split(" ", 1)
            reason = f"a {c.property_label or prop} (in {c.unit or 'no unit'}), not a number of people; it {kind} {compact(other)}"
        else:
            continue
        value = c.value_text + (f" {c.unit}" if c.unit else "")
        not_drawn.append(NotDrawn(compact(c.iri), f"{_who(c)}: {value}", f"{reason} ({c.property})"))
    return tuple(drawn), tuple(not_drawn)


def _year(iso: str) -> float:
    y, m, d = (int(x) for x in iso.split("-"))
    return y + (m - 1) / 12 + (d - 1) / 365


def _span(period: str | None) -> tuple[float, float] | None:
    if not period:
        return None
    bounds = edtf_bounds(period)
    start = _year(bounds.start.isoformat()) if bounds.start else None
    end = _year(bounds.end.isoformat()) + 1 / 365 if bounds.end else None
    return (start if start is not None else end - 1, end if end is not None else start + 1) if start or end else None


def _people(v: float) -> str:
    """A number of people as the chart writes it: round millions short (1.76 M), others in full
    (1,258,537), so that no figure is rounded away."""
    if v >= 1_000_000 and v % 10_000 == 0:
        return f"{v / 1e6:.2f}".rstrip("0").rstrip(".") + " M"
    return f"{v:,.0f}"


def _figure_text(r: ChartRow) -> str:
    return range_text(r.value, r.lower, r.upper, number=_people, at_least="at least ", at_most="at most ")


def _nice(v: float) -> float:
    exp = 10 ** math.floor(math.log10(v))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * exp >= v:
            return step * exp
    return 10 * exp


def _axis_limit(rows) -> tuple[float, float | None]:
    """(limit of the value axis, the value it cuts or None): cut when one figure dwarfs the rest."""
    tops = sorted(max(x for x in (r.value, r.lower, r.upper) if x is not None) for r in rows)
    if len(tops) >= 3 and tops[-1] > 2 * tops[-2]:
        return _nice(tops[-2] * 1.25), tops[-1]
    return _nice(tops[-1] * 1.08), None


def render_chart(store: Store, quantity: str, *, fmt: str = "svg") -> Chart:
    """Draw every claim about ``quantity`` (``population`` or ``deaths``) of the Gulag.

    ``fmt`` is ``svg`` (text kept as text) or ``png``. Raises :class:`GulagKgError` if there is
    nothing to draw or matplotlib is missing."""
    if fmt not in ("svg", "png"):
        raise GulagKgError(f"the chart can be written as svg or png, not {fmt!r}")
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise GulagKgError("plotting needs matplotlib: pip install 'gulag-kg[plot]'") from None
    spec = QUANTITIES.get(quantity)
    rows, not_drawn = chart_claims(store, quantity)
    if not rows:
        raise GulagKgError(f"no claims about {quantity} to plot")
    limit, cut = _axis_limit(rows)
    spans = [_span(r.period) for r in rows]
    years = [y for s in spans if s for y in s]
    y0, y1 = (math.floor(min(years) / 5) * 5, math.ceil(max(years) / 5) * 5) if years else (1900, 1960)

    # one line per row, plus a heading line per section; the key and the list below the chart
    lines: list[tuple[str, ChartRow | None]] = []
    for section in dict.fromkeys(r.section for r in rows):
        lines.append((section, None))
        lines += [(r.section, r) for r in rows if r.section == section]
    footer = [f"[{r.number}] {r.claim}" + (f" — {r.note}" if r.note else "") for r in rows]
    footer += ["Not drawn (listed with the reason):"] + [f"• {n.claim} — {n.label} — {n.reason}" for n in not_drawn] if not_drawn else []
    footer.append("Every claim of the graph on this quantity is above. Source: gulag-kg, from the English Wikipedia article "
                  "\"Gulag\" (CC BY-SA 4.0); claimants and works as the article names them.")
    import textwrap

    footer_lines = [w for f in footer for w in textwrap.wrap(f, 170)]
    height = 1.6 + 0.32 * len(lines) + 0.16 * len(footer_lines)
    with _RENDERING, matplotlib.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 8,
                                "svg.hashsalt": "gulag-kg"}):
        fig = Figure(figsize=(13, height))
        top = 1 - 0.55 / height
        bottom = (0.75 + 0.16 * len(footer_lines)) / height
        when_ax = fig.add_axes((0.37, bottom, 0.20, top - bottom))
        ax = fig.add_axes((0.59, bottom, 0.38, top - bottom), sharey=when_ax)
        n = len(lines)
        labels = []
        for i, (section, r) in enumerate(lines):
            y = n - 1 - i
            if r is None:
                labels.append(section)
                for a in (ax, when_ax):
                    a.axhspan(y - 0.5, y + 0.5, color="#eeeeee", zorder=0)
                continue
            when = f" ({edtf_text(r.period)})" if r.period else ""
            label = r.label if len(r.label) <= 52 else r.label[:51] + "…"
            labels.append(f"[{r.number}] {label}{when}")
            grey = "deprecated" in r.note
            colour = "#999999" if grey else ("#b2182b" if "contradicted" in r.note or "disputed" in r.note else "#2166ac")
            span = _span(r.period)
            if span:
                if span[1] - span[0] <= 1.01:
                    when_ax.plot([(span[0] + span[1]) / 2], [y], "o", color=colour, markersize=4)
                else:
                    when_ax.plot(list(span), [y, y], color=colour, linewidth=3, solid_capstyle="butt")
            else:
                when_ax.text((y0 + y1) / 2, y, "period not stated", va="center", ha="center", fontsize=7, color="#666666")
            stub = limit * 0.04  # an open bound: a short arrow from the bound, not a made-up range
            if r.lower is not None and r.upper is not None:
                lo, hi = r.lower, r.upper
                ax.plot([lo, min(hi, limit)], [y, y], "-", color=colour, linewidth=2.5, solid_capstyle="butt")
                if hi > limit:
                    ax.plot([limit], [y], ">", color=colour, markersize=6, clip_on=False)
            elif r.lower is not None:
                hi = r.lower
                ax.plot([r.lower, min(r.lower + stub, limit)], [y, y], "--", color=colour, linewidth=2)
                ax.plot([min(r.lower + stub, limit)], [y], ">", color=colour, markersize=6, clip_on=False)
            elif r.upper is not None:
                hi = r.upper
                ax.plot([max(r.upper - stub, 0), r.upper], [y, y], "--", color=colour, linewidth=2)
                ax.plot([max(r.upper - stub, 0)], [y], "<", color=colour, markersize=6, clip_on=False)
            else:
                hi = r.value
            if r.value is not None:
                ax.plot([min(r.value, limit)], [y], "D", color=colour, markersize=5, zorder=3)
            anchor = min(max(x for x in (r.value, r.lower, r.upper) if x is not None), limit)
            text = _figure_text(r) + (" (beyond the cut axis)" if hi is not None and hi > limit else "")
            ax.text(anchor, y + 0.28, " " + text, va="center", ha="right" if anchor > limit * 0.7 else "left", fontsize=7)
        ax.set_yticks(range(n))
        ax.set_yticklabels(list(reversed(labels)))
        for tick, (section, r) in zip(ax.get_yticklabels(), reversed(lines)):
            if r is None:
                tick.set_fontweight("bold")
        when_ax.tick_params(axis="y", labelleft=True)
        ax.tick_params(axis="y", labelleft=False)
        when_ax.set_ylim(-0.6, n - 0.4)
        when_ax.set_xlim(y0, y1)
        when_ax.set_xlabel("period the claim covers (years)")
        when_ax.grid(True, axis="x", alpha=0.3)
        ax.set_xlim(0, limit)
        ax.set_xlabel("people" + (f" — axis cut at {_people(limit)}: longer ranges end with ▶ and give their figure"
                                  if cut is not None else " (axis from zero)"))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: _people(v) if v else "0"))
        ax.grid(True, axis="x", alpha=0.3)
        fig.text(0.01, 1 - 0.25 / height, spec.title, fontsize=12, fontweight="bold", va="center")
        fig.text(0.01, 1 - 0.45 / height, "One row per claim; ◆ a figure, a bar a range, ▶/◀ an open bound (\"at least\"/\"at most\"); "
                 "red: disputed or contradicted in the source, grey: deprecated.", fontsize=8, va="center")
        for k, line in enumerate(footer_lines):
            fig.text(0.01, (0.1 + 0.16 * (len(footer_lines) - k)) / height, line, fontsize=7, va="center")
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=110, metadata={"Date": None} if fmt == "svg" else None)
    return Chart(quantity, spec.title, fmt, buf.getvalue(), rows, not_drawn)


def plot_quantity(store: Store, quantity: str, output: Path) -> Chart:
    """Draw the claims about ``quantity`` to ``output`` (.png or .svg, written atomically)."""
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise GulagKgError(f"{output}: the chart can be written as .png or .svg")
    chart = render_chart(store, quantity, fmt=fmt)
    write_atomically(output, chart.data)
    return chart
