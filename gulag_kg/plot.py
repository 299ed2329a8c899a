"""Charts of every claim about the Gulag's population or deaths, one series per claimant."""

from __future__ import annotations

from pathlib import Path

from .claims import list_claims
from .errors import GulagKgError
from .export import write_atomically
from .prefixes import ID_NS as ID
from .store import Store

_PROPERTIES = {"population": "gk:prisonerPopulation", "deaths": "gk:deaths"}
_TITLES = {"population": "Gulag prisoner population: every claim in the graph",
           "deaths": "Deaths in the Gulag: every claim in the graph"}


def _year(date_text: str | None) -> float | None:
    if not date_text:
        return None
    y, m, d = (int(x) for x in date_text.split("-"))
    return y + (m - 1) / 12 + (d - 1) / 365


def plot_quantity(store: Store, quantity: str, output: Path) -> int:
    """Draw the claims about ``quantity`` (``population`` or ``deaths``) of the Gulag to
    ``output`` (.png or .svg); returns the number of claims drawn."""
    if output.suffix.lower() not in (".png", ".svg"):
        raise GulagKgError(f"{output}: the chart can be written as .png or .svg")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise GulagKgError("plotting needs matplotlib: pip install 'gulag-kg[plot]'") from None
    import io

    rows = [c for c in list_claims(store, str(ID) + "agency/gulag", _PROPERTIES[quantity])
            if c.period_start and c.unit == "people" and (c.value or c.lower or c.upper)]
    if not rows:
        raise GulagKgError(f"no dated claims about {quantity} to plot")
    fig, ax = plt.subplots(figsize=(11, 6.5))
    series: dict[str, list] = {}
    for c in rows:
        series.setdefault(c.claimant_label or c.claimant or "unknown", []).append(c)
    colours = [plt.get_cmap("tab10")(i) for i in range(10)] + [plt.get_cmap("Dark2")(i) for i in range(8)]
    for i, (claimant, claims) in enumerate(sorted(series.items())):
        colour = colours[i % len(colours)]
        for j, c in enumerate(claims):
            x0 = _year(c.period_start)
            x1 = _year(c.period_end) + 1 / 365 if c.period_end else x0 + 1
            label = claimant if j == 0 else None
            if c.lower is not None and c.upper is not None:  # a range: a band
                lo, hi = float(c.lower), float(c.upper)
                ax.fill_between([x0, x1], [lo, lo], [hi, hi], color=colour, alpha=0.25, label=label)
                label = None
            elif c.lower is not None or c.upper is not None:  # "at least" / "at most": a bar and an arrow
                bound = float(c.lower if c.lower is not None else c.upper)
                ax.plot([x0, x1], [bound, bound], color=colour, linewidth=1.5, linestyle="--", label=label)
                ax.plot([(x0 + x1) / 2], [bound], "^" if c.lower is not None else "v", color=colour, markersize=8)
                label = None
            if c.value is not None:
                v = float(c.value)
                ax.plot([x0, x1], [v, v], color=colour, linewidth=2.5, label=label, solid_capstyle="butt")
                ax.plot([(x0 + x1) / 2], [v], "o", color=colour, markersize=4)
    ax.set_title(_TITLES[quantity])
    ax.set_xlabel("year (bars span the period each claim covers; bands are ranges; ▲ at least, ▼ at most)")
    ax.set_ylabel("people")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v / 1e6:.1f} M" if v >= 1e6 else f"{v:,.0f}"))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1), title="claimant", title_fontsize=8)
    fig.text(0.01, 0.01, "Source: gulag-kg, from the English Wikipedia article \"Gulag\" (CC BY-SA 4.0)", fontsize=7)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=output.suffix.lower().lstrip("."), dpi=130)
    plt.close(fig)
    write_atomically(output, buf.getvalue())
    return len(rows)
