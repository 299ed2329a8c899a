"""The ``gulag-kg`` command: a thin client of the library.

Exit codes, the same for every command: 0 success (for ``validate``: no result as severe as
``--fail-on``, by default no violation), 1 ``validate`` found such results, 2 could not run (one
line ``Error: ...`` on stderr).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from .version import __version__
from .errors import GulagKgError


class CouldNotRun(click.ClickException):
    """Any :class:`GulagKgError`, shown as one ``Error: ...`` line, exit code 2."""

    exit_code = 2


class Group(click.Group):
    """Translates library errors into :class:`CouldNotRun`, in one place."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except GulagKgError as exc:
            raise CouldNotRun(str(exc)) from None
        except BrokenPipeError:  # `gulag-kg export | head`
            sys.stderr.close()
            ctx.exit(0)


@dataclass
class Settings:
    data_files: tuple[Path, ...] = ()
    store: Path | None = None
    endpoint: str | None = None
    graph_store: str | None = None
    _kg: object = field(default=None, repr=False)

    @property
    def persistent(self) -> bool:
        return self.store is not None or self.endpoint is not None

    def kg(self):
        """The graph the command works on: the shipped graph in memory (plus --data files), or
        the on-disk store / SPARQL endpoint as it is."""
        if self._kg is None:
            from .kg import connect, load
            from .loading import check_data_files

            if self.persistent:
                if self.data_files:
                    raise CouldNotRun("--data adds files to the in-memory graph; put them into a store with "
                                      "'gulag-kg --store DIR load FILE' instead")
                self._kg = connect(store=self.store, endpoint=self.endpoint, graph_store=self.graph_store)
            else:
                self._kg = load(check_data_files(self.data_files))
        return self._kg


pass_settings = click.make_pass_decorator(Settings)


def _is_terminal() -> bool:
    return sys.stdout.isatty()


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="gulag-kg")
@click.option("--data", "data_files", multiple=True, type=click.Path(path_type=Path),
              help="Also load this RDF file (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML; .gz too) into the in-memory graph. Repeatable.")
@click.option("--store", "store", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Work on an on-disk Oxigraph store in this directory (persistent; fill it with 'load').")
@click.option("--endpoint", default=None, metavar="URL",
              help="Work on a SPARQL 1.1 server: its query URL (e.g. http://localhost:7878/query).")
@click.option("--graph-store", default=None, metavar="URL",
              help="The server's Graph Store Protocol URL for 'load' (default: the endpoint's last segment replaced by 'store').")
@click.pass_context
def cli(ctx: click.Context, data_files: tuple[Path, ...], store: Path | None, endpoint: str | None,
        graph_store: str | None) -> None:
    """gulag-kg: an open knowledge graph of the Soviet Gulag.

    Every command works on the shipped graph (ontology + graph/) in memory, plus any --data
    files; or, the same way, on an on-disk store (--store DIR) or a SPARQL server (--endpoint URL)
    filled with 'load'. Exit codes: 0 success, 1 validation found violations (or warnings, with
    --fail-on warning), 2 could not run.

    \b
    Example:
        gulag-kg claims gulag deaths
        gulag-kg describe NKVD
        gulag-kg query --list
    """
    if store is not None and endpoint is not None:
        raise click.UsageError("use either --store or --endpoint, not both")
    ctx.obj = Settings(data_files=data_files, store=store, endpoint=endpoint, graph_store=graph_store)


# --- load ---------------------------------------------------------------------------------


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--graph", "graph_iri", default=None, metavar="IRI",
              help="Named graph for the triples of the files (default: one graph per file, graph/file/<name>).")
@pass_settings
def load(settings: Settings, files: tuple[Path, ...], graph_iri: str | None) -> None:
    """Fill an on-disk store (--store DIR) or a SPARQL server (--endpoint URL).

    With no FILES, loads the ontology and the shipped graph (replacing earlier copies). With
    FILES (N-Triples, N-Quads, Turtle, TriG; .gz too), streams them in with a progress bar and
    bounded memory; JSON-LD and RDF/XML files are read and checked whole first. Every file gets
    the checks of --data and validate (SECURITY.md). The derived graph is recomputed. On an
    on-disk store a load is all or nothing: interrupted (Ctrl-C, SIGTERM), killed, or stopped by
    a refused file, it leaves the store as it was before it. On a server an interrupted load, or
    a file refused midway, rolls back the file it was in (where its triples have a graph of
    their own) and says what was loaded.

    \b
    Example:
        gulag-kg --store ./kgstore load
        gulag-kg --store ./kgstore load victims.nt.gz --graph https://example.org/graph/victims
        gulag-kg --store ./kgstore claims gulag deaths
    """
    import time

    import pyoxigraph as ox

    from .bulk import load_files, load_shipped_and_derive
    from .loading import check_data_files
    from .store import open_store

    if not settings.persistent:
        raise click.UsageError("load fills a persistent store: give --store DIR or --endpoint URL before 'load'")
    paths_ = check_data_files(files)
    store = open_store(path=settings.store, endpoint=settings.endpoint, graph_store=settings.graph_store)
    start = time.monotonic()
    if not files:
        report = load_shipped_and_derive(store)
        _stop_if_interrupted(store, report)
        click.echo(f"loaded the ontology and the shipped graph ({report.quads:,} quads, "
                   f"{report.derived_quads:,} derived) into the {store.description}", err=True)
        return
    total = sum(p.stat().st_size for p in paths_)
    done_bytes = {p: 0 for p in paths_}
    with click.progressbar(length=total, label="loading", file=sys.stderr, show_eta=True,
                           item_show_func=lambda _: None) as bar:
        def progress(path: Path, n: int) -> None:
            bar.update(n - done_bytes[path])
            done_bytes[path] = n

        try:
            report = load_files(store, paths_, graph=ox.NamedNode(graph_iri) if graph_iri else None, progress=progress)
        except GulagKgError as exc:  # a bad file: on disk, the files before it were undone too
            if settings.store is None:
                raise
            raise CouldNotRun(f"{exc} (nothing of this load was kept)") from None
    seconds = max(time.monotonic() - start, 1e-9)
    for f in report.loaded:
        click.echo(f"loaded {f.path}: {f.quads:,} quads", err=True)
    _stop_if_interrupted(store, report)
    click.echo(f"{report.quads:,} quads in {seconds:.1f} s ({report.quads / seconds:,.0f} quads/s); "
               f"{report.derived_quads:,} derived; the {store.description} now holds {len(store):,} quads", err=True)


def _stop_if_interrupted(store, report) -> None:
    """Say what an interrupted load left, and exit 2."""
    if not report.interrupted:
        return
    from .bulk import DERIVING

    doing = ("interrupted while computing the derived graph" if report.interrupted == DERIVING
             else f"interrupted while loading {report.interrupted}")
    if report.undone == "now":
        raise CouldNotRun(f"{doing}: nothing of this load was kept; the {store.description} is as it was "
                          f"before it ({len(store):,} quads)")
    if report.undone:
        raise CouldNotRun(f"{doing}: nothing of this load will be kept; the {store.description} is put back "
                          "as it was before it by the next command that opens it")
    if report.interrupted == DERIVING:
        undo = "the derived graph may be missing or out of date (load again to recompute it)"
    elif report.rolled_back_graph:
        undo = f"its partial triples were removed (graph {report.rolled_back_graph})"
    else:
        undo = ("it may be partly loaded (its quads keep their own graphs, or share one with other data, "
                "and cannot be rolled back)")
    raise CouldNotRun(f"{doing}: {undo}; the store holds the {len(report.loaded)} file(s) listed above")


# --- validate -------------------------------------------------------------------------------


@cli.command()
@click.argument("data_files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: conforms (SHACL's), fails and fail_on (the exit code's), the results.")
@click.option("--fail-on", type=click.Choice(["violation", "warning"]), default="violation", show_default=True,
              help="Lowest severity that makes validation fail (exit 1).")
@click.option("--engine", type=click.Choice(["auto", "sparql", "pyshacl"]), default="auto", show_default=True,
              help="sparql: shapes compiled to SPARQL inside the store (fast, any size); pyshacl: the reference engine.")
@pass_settings
def validate(settings: Settings, data_files: tuple[Path, ...], fmt: str, fail_on: str, engine: str) -> None:
    """Validate data against the shipped SHACL shapes.

    With no files, validates the shipped graph. With files, validates those files (with the
    ontology and the derived graph as support) instead. "conforms" is SHACL's: no result at all,
    of any severity. Exit 1 if a result is as severe as --fail-on (by default: a violation;
    warnings alone exit 0 with "does not conform, passes --fail-on violation"), 0 if not,
    2 if it could not run.

    \b
    Example:
        gulag-kg validate
        gulag-kg validate my-camps.ttl --format json
    """
    from .kg import load
    from .loading import check_data_files
    from .validation import Severity, render_report_json, render_report_text

    if data_files:
        kg = load(check_data_files(data_files), shipped=False)
    else:
        kg = settings.kg()
    report = kg.validate(engine=engine)
    severity = Severity.WARNING if fail_on == "warning" else Severity.VIOLATION
    fails = report.fails(fail_on=severity)
    if fmt == "json":
        click.echo(render_report_json(report, fail_on=severity))
    else:
        colours = {"Violation": "red", "Warning": "yellow", "Info": "blue"}
        *lines, summary = render_report_text(report, fail_on=severity).splitlines()
        # click.echo drops the colour when stdout is not a terminal
        for line in lines:
            click.echo(click.style(line, fg=colours.get(line.split(":")[0])))
        click.echo(click.style(summary, fg="red" if fails else "green" if report.conforms else "yellow"))
    sys.exit(1 if fails else 0)


# --- query ----------------------------------------------------------------------------------


def _parse_param(ctx, param, values):
    out = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r}: expected NAME=VALUE, e.g. --param camp=camp:norillag")
        out[name] = value
    return out


@cli.command()
@click.argument("query", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld"]),
              default=None, help="Result format (default: table on a terminal, tsv otherwise; turtle for CONSTRUCT/DESCRIBE).")
@click.option("--param", "params", multiple=True, callback=_parse_param, metavar="NAME=VALUE",
              help="Bind a variable. A named query's parameter takes what its type says (--list): an entity by label in any language, prefixed name or IRI; a year as an integer. Elsewhere: an IRI <...>, a prefixed name, a number, \"text\"@lang or text. Repeatable.")
@click.option("--list", "list_queries", is_flag=True, help="List the shipped named queries.")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE calls to remote endpoints (network access).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="Stop the query after this many seconds.")
@click.option("--max-rows", type=click.IntRange(min=0), default=1_000_000, show_default=True,
              help="Refuse results with more rows than this.")
@click.option("--memory", type=click.IntRange(min=1), default=2048, show_default=True, metavar="MB",
              help="Stop the query if it needs more memory than this (MiB).")
@pass_settings
def query(settings: Settings, query: str | None, fmt: str | None, params: dict, list_queries: bool, allow_service: bool,
          timeout: float, max_rows: int, memory: int) -> None:
    """Run a SPARQL query: inline text, a .rq file, or a shipped query's name.

    Queries are read-only: updates are refused, and SERVICE unless --allow-service.

    \b
    Example:
        gulag-kg query --list
        gulag-kg query death-toll-estimates
        gulag-kg query claims-by-claimant --param claimant=person:zemskov
        gulag-kg query 'SELECT ?camp WHERE { ?camp a gk:CampAdministration }' --format csv
    """
    from .query import named_queries

    if list_queries:
        library = named_queries()
        width = max(len(n) for n in library)
        for name, q in library.items():
            click.echo(f"{name.ljust(width)}  {q.title}")
            for p in q.params:  # each parameter's type, default and an example
                click.echo(f"{' ' * width}    {p.usage()}")
        return
    if query is None:
        raise click.UsageError("give a QUERY (inline SPARQL, a .rq file or a named query), or --list")
    from .query_output import write_query_result

    if allow_service:
        from .guards import network_allowed
    else:
        from contextlib import nullcontext as network_allowed
    with network_allowed():
        write_query_result(settings.kg().store, query, params=params, fmt=fmt or ("table" if _is_terminal() else "tsv"),
                           allow_service=allow_service, timeout=timeout, max_rows=max_rows, memory_mb=memory,
                           out=sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None)


# --- export ---------------------------------------------------------------------------------


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "jsonld", "nt", "rdfxml", "nquads", "trig", "quickstatements"]),
              default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout.")
@click.option("--graph", "graph_name", metavar="NAME",
              help="Only this named graph: ontology, article, wikidata, derived (under "
                   "https://w3id.org/gulag-kg/graph/), or a graph's IRI.")
@pass_settings
def export(settings: Settings, fmt: str, output: Path | None, graph_name: str | None) -> None:
    """Export the whole graph (ontology included), byte-identical for the same graph.

    turtle, jsonld, nt and rdfxml carry the union of all named graphs; nquads and trig keep
    the graphs apart. Every format holds every statement and reads back as the same graph
    (checked before -o replaces a file).

    jsonld is both complete and readable as plain JSON: it embeds the project's context (JSON-LD
    1.0 and 1.1; no network needed), with short terms (label, type, subject, value, lower,
    upper, period, claimant, ...), plain values, language maps for labels, and each claim one
    object with its evidence and quote inside (claim["evidence"][0]["selector"]["quote"]).

    rdfxml refuses, in one line, a graph RDF/XML cannot hold (a predicate or class with no
    XML name, a character XML 1.0 cannot carry).

    \b
    Example:
        gulag-kg export --format jsonld -o gulag-kg.jsonld
        gulag-kg export --graph ontology --format rdfxml -o gulag.rdf
    """
    if fmt == "quickstatements":  # our claims on linked entities, for Wikidata editors
        if graph_name is not None:
            raise CouldNotRun("--graph is for the RDF formats; quickstatements always covers the claims of every graph")
        from .linking.commands import write_quickstatements

        write_quickstatements(settings.kg().store, output)
        return
    from .export import export_file, export_store, serialize_quads

    store = settings.kg().store
    source = store if graph_name is None else list(store.quads(graph=_named_graph(store, graph_name)))
    if output is not None:
        size = export_file(source, fmt, output)
        click.echo(f"wrote {size:,} bytes to {output}", err=True)
        return
    if graph_name is None:
        export_store(store, fmt, output=sys.stdout.buffer)
    else:
        sys.stdout.buffer.write(serialize_quads(source, fmt))
    sys.stdout.flush()


def _named_graph(store, name: str):
    """The named graph ``name`` (a short name under the graph namespace, or an IRI) of the store."""
    from .prefixes import GRAPH_NS

    graphs = store.named_graphs()
    wanted = name if ":" in name else GRAPH_NS + name
    for graph in graphs:
        if graph.value == wanted:
            return graph
    short = [g.value[len(GRAPH_NS):] if g.value.startswith(GRAPH_NS) else g.value for g in graphs]
    raise CouldNotRun(f"no graph {name!r} in the store; it has: {', '.join(short) or 'none'}")


# --- describe, claims, timeline, stats ----------------------------------------------------------


@cli.command()
@click.argument("thing")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_settings
def describe(settings: Settings, thing: str, fmt: str) -> None:
    """Everything the graph knows of one entity: labels, facts, claims, quotes, Wikidata link.

    THING is an IRI, a prefixed name (agency:nkvd), or a label in any language (NKVD, ГУЛАГ).
    An IRI or a prefixed name is looked up directly; a label is searched for among every name
    of the store (seconds on a store of millions of triples).

    \b
    Example:
        gulag-kg describe NKVD
        gulag-kg describe person:zemskov --format json
    """
    from .render import to_json
    from .text import render_description

    from .claims import contradictions

    description = settings.kg().describe(thing)
    conflicts = contradictions(settings.kg().store, [c.iri for c in description.claims]) if fmt == "text" else ()
    click.echo(to_json(description) if fmt == "json" else render_description(description, conflicts=conflicts))


@cli.command()
@click.argument("thing")
@click.argument("property", required=False)
@click.option("--quotes", is_flag=True, help="Show the quote under each claim.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default=None,
              help="Output format (default: table on a terminal, tsv otherwise).")
@pass_settings
def claims(settings: Settings, thing: str, property: str | None, quotes: bool, fmt: str | None) -> None:
    """Every claim about THING side by side, optionally of one PROPERTY (e.g. deaths).

    \b
    Example:
        gulag-kg claims gulag deaths --quotes
        gulag-kg claims gulag prisonerPopulation --format csv
    """
    from .claims import contradictions
    from .render import to_json
    from .text import render_claims

    rows = settings.kg().claims(thing, property)
    if not rows:
        what = f" of property {property}" if property else ""
        click.echo(f"no claims{what} about {thing}", err=True)
        return
    fmt = fmt or ("table" if _is_terminal() else "tsv")
    conflicts = contradictions(settings.kg().store, [r.iri for r in rows]) if fmt == "table" else ()
    click.echo(to_json(rows) if fmt == "json" else render_claims(rows, fmt=fmt, quotes=quotes, conflicts=conflicts))


@cli.command()
@click.argument("thing")
@click.option("--quotes", is_flag=True, help="Show the quote under each line.")
@pass_settings
def timeline(settings: Settings, thing: str, quotes: bool) -> None:
    """An agency's or a camp's history in order: renamings, subordination, heads, events.

    The lines of what owl:sameAs names the same (the museum's record of an article's camp) are
    taken in, each marked with the entity it is about and the release it comes from.

    \b
    Example:
        gulag-kg timeline GULAG
        gulag-kg timeline NKVD --quotes
    """
    from .claims import contradictions
    from .text import render_timeline

    kg = settings.kg()
    entity = kg.resolve(thing)
    entries = kg.timeline(thing)
    conflicts = contradictions(kg.store, [e.iri for e in entries])
    click.echo(render_timeline(entity, entries, quotes=quotes, conflicts=conflicts))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_settings
def stats(settings: Settings, fmt: str) -> None:
    """Counts by class, claims by property, claimant and source; coverage of quotes and links.

    \b
    Example:
        gulag-kg stats
    """
    from .render import to_json
    from .text import render_stats

    result = settings.kg().stats()
    click.echo(to_json(result) if fmt == "json" else render_stats(result))


# --- quotes and coverage ----------------------------------------------------------------------


@cli.command("check-quotes")
@pass_settings
def check_quotes_command(settings: Settings) -> None:
    """Check that every quote of the graph is verbatim in its stored source text.

    Exit 0 when all are, 1 when some are not (each is listed).

    \b
    Example:
        gulag-kg check-quotes
    """
    from .quotes import check_quotes, locate_quotes

    store = settings.kg().store
    problems = check_quotes(store)
    for p in problems:
        click.echo(f"{p.owner}: {p.reason}: {p.exact[:100]!r}")
    total = len(locate_quotes(store))
    click.echo(f"{total - len(problems)} of {total} quotes are verbatim and select one place of their source")
    sys.exit(1 if problems else 0)


@cli.command()
@click.option("--missing", is_flag=True, help="List only the figures no claim's quote carries.")
@click.option("--format", "fmt", type=click.Choice(["text", "tsv", "json"]), default="text", show_default=True)
@pass_settings
def coverage(settings: Settings, missing: bool, fmt: str) -> None:
    """Which figures of the article's body are carried by a claim's quote.

    Lists every number of the article's body (years, list numbering and ISBNs left out) with
    its line and whether a claim's quote carries it.

    \b
    Example:
        gulag-kg coverage --missing
    """
    from .quotes import quantity_coverage
    from .render import to_json

    figures = quantity_coverage(settings.kg().store)
    shown = [f for f in figures if not f.in_claim] if missing else figures
    if fmt == "json":
        click.echo(to_json(shown))
    else:
        for f in shown:
            mark = "claim" if f.in_claim else ("quote" if f.in_any_quote else "MISSING")
            sep = "\t" if fmt == "tsv" else "  "
            click.echo(sep.join([f"line {f.line}:{f.column}", f.text, mark, f.context]))
    covered = sum(f.in_claim for f in figures)
    click.echo(f"{covered} of {len(figures)} figures of the article's body are carried by a claim's quote", err=True)


# --- plot -------------------------------------------------------------------------------------


@cli.command()
@click.argument("quantity", type=click.Choice(["population", "deaths"]))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Image file (.png or .svg). Default: gulag-<quantity>.png")
@pass_settings
def plot(settings: Settings, quantity: str, output: Path | None) -> None:
    """Chart every claim about the Gulag's prisoner population or deaths.

    One row per claim, named by its claimant and work: the period it covers beside its figure,
    on an axis from zero (or labelled as cut). Totals over a period, levels at a time and figures
    per year stand in sections of their own; claims that are not numbers of people (shares,
    rates) are listed under the chart with the reason. The SVG keeps its text as text.

    \b
    Example:
        gulag-kg plot deaths -o deaths.svg
    """
    from .plot import plot_quantity

    output = output or Path(f"gulag-{quantity}.png")
    chart = plot_quantity(settings.kg().store, quantity, output)
    click.echo(f"drew {len(chart.rows)} claims to {output}; listed {len(chart.not_drawn)} more under the chart "
               "(not numbers of people)" if chart.not_drawn else f"drew {len(chart.rows)} claims to {output}", err=True)
    for n in chart.not_drawn:
        click.echo(f"  not drawn: {n.claim} — {n.reason}", err=True)


# --- serve ----------------------------------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--max-rows", type=click.IntRange(0), default=10_000, show_default=True,
              help="Most rows (or triples) a query may return; a larger result is refused (422), never cut. "
                   "0: no limit, and results stream as they are computed.")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=60.0, show_default=True,
              help="Seconds a query may take, waiting for a worker included; then it is stopped (503).")
@click.option("--max-queries", type=click.IntRange(1), default=8, show_default=True,
              help="Queries evaluated at once, each in a worker process of its own.")
@click.option("--max-queued", type=click.IntRange(0), default=64, show_default=True,
              help="Queries that may wait for a worker; more are refused with 503 and Retry-After.")
@click.option("--query-memory", type=click.IntRange(0), default=2048, show_default=True, metavar="MB",
              help="Memory one query may use (MiB, beyond its worker's own); past it the query fails (500). 0: no cap.")
@click.option("--memory-limit", type=click.IntRange(0), default=4096, show_default=True, metavar="MB",
              help="Memory of the whole server (MiB: this process and its query workers); past it the largest "
                   "query is stopped and new ones get 503. 0: no cap.")
@click.option("--max-body", type=click.IntRange(1), default=1_000_000, show_default=True, metavar="BYTES",
              help="Largest request body (a POSTed query); larger is refused (413).")
@click.option("--idle-timeout", type=click.FloatRange(0, min_open=True), default=10.0, show_default=True,
              help="Seconds a client may leave a request half-sent before the connection is closed (408).")
@click.option("--keep-alive", type=click.FloatRange(0), default=5.0, show_default=True,
              help="Seconds an idle HTTP/1.1 connection is kept open between requests.")
@click.option("--allow-service", is_flag=True, help="Let queries use SERVICE (the network). Off by default.")
@click.option("--processes", type=click.IntRange(1), default=1, show_default=True,
              help="Server processes (each loads the graph and runs its own query workers and memory limit).")
@pass_settings
def serve(settings: Settings, host: str, port: int, max_rows: int, timeout: float, max_queries: int, max_queued: int,
          query_memory: int, memory_limit: int, max_body: int, idle_timeout: float, keep_alive: float,
          allow_service: bool, processes: int) -> None:
    """Serve the graph read-only: a SPARQL 1.1 endpoint and query UI at /sparql, pages at /id/...

    The SPARQL 1.1 Protocol (GET, POST form, POST direct, default-graph-uri, named-graph-uri,
    the Service Description), results by content negotiation (SPARQL JSON/XML/CSV/TSV; Turtle,
    N-Triples, RDF/XML, JSON-LD, N-Quads, TriG); updates and SERVICE refused (403). Each query
    runs in a worker process with a time and a memory limit. An on-disk store (--store) is opened
    read-only. Stop with Ctrl-C. See docs/serving.md for a production setup.

    \b
    Example:
        gulag-kg serve --port 8000
        curl 'http://127.0.0.1:8000/sparql?query=ASK%7B%7D'
        curl -H 'Accept: text/turtle' http://127.0.0.1:8000/id/agency/nkvd
        gulag-kg --store ./kgstore serve --processes 4 --max-rows 0
    """
    from .web.settings import WebSettings

    web = WebSettings(max_rows=max_rows or None, timeout=timeout, max_queries=max_queries, max_queued=max_queued,
                      query_memory_mb=query_memory or None, memory_limit_mb=memory_limit or None,
                      max_body_bytes=max_body, idle_timeout=idle_timeout, keep_alive=keep_alive,
                      allow_service=allow_service)
    if processes > 1:
        import os

        from .web.serve import run_processes

        environ = web.environment()
        if settings.store is not None:
            environ["GULAG_KG_STORE"] = str(settings.store)
        elif settings.endpoint is not None:
            environ["GULAG_KG_ENDPOINT"] = settings.endpoint
        else:
            environ["GULAG_KG_DATA"] = os.pathsep.join(str(p) for p in settings.data_files)
        click.echo(f"serving at http://{host}:{port}/sparql with {processes} processes (Ctrl-C stops)", err=True)
        run_processes(processes=processes, host=host, port=port, settings=web, environ=environ)
        return
    from .web.asgi import open_graph
    from .web.serve import run

    kg = open_graph(store=settings.store, endpoint=settings.endpoint, data=list(settings.data_files))
    run(kg, host=host, port=port, settings=web,
        announce=lambda url: click.echo(f"serving {kg.store.description} at {url}/sparql (Ctrl-C stops)", err=True))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--sparql-url", default=None, metavar="URL",
              help="A SPARQL endpoint serving the same graph, to link from the pages (a static site has none).")
@pass_settings
def publish(settings: Settings, directory: Path, sparql_url: str | None) -> None:
    """Write the whole site to DIRECTORY as static files, for any static host.

    The same pages as 'serve' (a page and Turtle, JSON-LD, N-Triples, RDF/XML, N-Quads and TriG
    per resource), the map, the charts, the named queries with their answers, the ontology, the
    vocabularies, dumps of each graph and of the whole graph, and a search index for the search
    page's script. Links are relative: the site works under any base URL. An earlier publish in
    DIRECTORY is replaced only once the new site is complete; another non-empty directory is
    refused.

    \b
    Example:
        gulag-kg publish site/
        python -m http.server --directory site/ 8000
        gulag-kg --data gulagmap.trig publish site/
    """
    from .web.publish import publish_site

    report = publish_site(settings.kg(), directory, sparql_url=sparql_url,
                          progress=lambda message: click.echo(message, err=True))
    click.echo(f"wrote {report.files:,} files ({report.bytes / 1e6:.1f} MB) to {report.directory}: "
               f"{report.pages:,} pages and {report.rdf_documents:,} RDF documents for {report.resources:,} resources", err=True)


# --- links ----------------------------------------------------------------------------------


class LinkGroup(Group):
    """``link``: the commands that talk to Wikidata are imported when used, not at every start
    (they bring in the whole linking package)."""

    lazy = {"wikidata": "wikidata_command", "check": "check_command"}

    def list_commands(self, ctx):
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx, name):
        if name in self.lazy:
            from .linking import commands

            return getattr(commands, self.lazy[name])
        return super().get_command(ctx, name)


@cli.group(cls=LinkGroup)
def link() -> None:
    """Links between the graph's entities and Wikidata: the verified table, candidates, checks.

    \b
    Example:
        gulag-kg link from-table
        gulag-kg link wikidata --type camp --format tsv -o candidates.tsv
        gulag-kg link check
    """


@link.command("from-table")
@click.option("--table", type=click.Path(path_type=Path), default=None,
              help="The verified QID table (default: graph/wikidata-qids.tsv).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Where to write (default: graph/wikidata.ttl).")
@pass_settings
def link_from_table(settings: Settings, table: Path | None, output: Path | None) -> None:
    """Write the Wikidata links of the verified QID table for the entities the graph holds.

    Each link carries where it came from (the table's row), its confidence and its note.

    \b
    Example:
        gulag-kg link from-table
    """
    from . import paths
    from .export import write_atomically
    from .wikidata import build_links_turtle, read_qid_table

    root = paths.project_root() / "graph"
    output = output or paths.writable(root / "wikidata.ttl")
    rows = read_qid_table(table or root / "wikidata-qids.tsv")
    text = build_links_turtle(rows, settings.kg().store)
    write_atomically(output, text.encode("utf-8"))
    click.echo(f"wrote {text.count('owl:sameAs')} links to {output}", err=True)


# --- import ---------------------------------------------------------------------------------


@cli.group("import", cls=Group)
def import_group() -> None:
    """Import third-party datasets into RDF, each in its own named graph.

    \b
    Example:
        gulag-kg import gulagmap ../shared/data/gulagmap-2018 -o gulagmap.trig
    """


@import_group.command("gulagmap")
@click.argument("directories", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="DIR...")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write the import here (.trig or .nq; atomically). Default: TriG on stdout.")
@click.option("--report", type=click.Path(path_type=Path), default=None,
              help="Write the review report of matches with the article's camps (TSV) here.")
@click.option("--comparison", type=click.Path(path_type=Path), default=None,
              help="With both releases: write the comparison, camp by camp (TSV), here.")
@click.option("--anomalies", type=click.Path(path_type=Path), default=None,
              help="Write every anomaly flagged (TSV) here instead of listing each on stderr.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.8, show_default=True,
              help="Score from which a match becomes owl:sameAs.")
@click.option("--accept-pair", "accept_pairs", multiple=True, metavar="ARTICLE_CAMP=MUSEUM_CAMP",
              help="A pair from the review report that a person accepted (prefixed names or IRIs). Repeatable.")
@click.option("--date", "imported_on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date of import recorded in the provenance (default: today).")
@pass_settings
def import_gulagmap_command(settings: Settings, directories: tuple[Path, ...], output: Path | None, report: Path | None,
                            comparison: Path | None, anomalies: Path | None, threshold: float,
                            accept_pairs: tuple[str, ...], imported_on) -> None:
    """Import the GULAG History Museum's camp data (gulagmap.ru) from DIR: either release, or both.

    Each DIR is recognised by its files: the 2017 release (camps.json: camp histories, moves,
    mergers, yearly counts as text, Memorial's directory pages) or the 2018 release (camps.csv,
    locations.csv, statistics.csv, lookups.json). Each goes into its own named graph
    (https://w3id.org/gulag-kg/graph/gulagmap-2017, .../gulagmap-2018), every figure a claim of its
    own release; the same camp is the same entity in both. With both, the comparison graph
    (.../gulagmap-comparison) links the figures they agree on (gk:sameFigureAs) and records, camp
    by camp, the counts the 2018 release gives one year later (gk:countDatingOffset).

    Bad rows never stop the import: each is reported with file, line and reason, and the totals
    show every record read as imported, skipped or rejected. Odd values (two counts for one camp
    and year, a count far beyond any other, coordinates that look swapped...) are imported as the
    source gives them, flagged, and become SHACL warnings. Museum camps that are the article's
    become owl:sameAs; --report writes every candidate for review. Load the result beside the
    shipped graph with --data.

    \b
    Example:
        gulag-kg import gulagmap ../shared/data/gulagmap-2017 ../shared/data/gulagmap-2018 \\
            -o gulagmap.trig --report matches.tsv --comparison releases.tsv --anomalies anomalies.tsv
        gulag-kg --data gulagmap.trig claims Sevvostlag prisonerPopulation
    """
    import datetime as dt

    from .importing import run_gulagmap_import

    from .namespaces import PREFIXES

    def expand(name: str) -> str:
        prefix, sep, local = name.partition(":")
        return PREFIXES[prefix] + local if sep and prefix in PREFIXES else name

    pairs = []
    for item in accept_pairs:
        left, sep, right = item.partition("=")
        if not sep or not left or not right:
            raise click.BadParameter(f"{item!r}: expected ARTICLE_CAMP=MUSEUM_CAMP, e.g. camp:burepolom=camp:gulagmap-69",
                                     param_hint="--accept-pair")
        pairs.append((expand(left), expand(right)))
    summary = run_gulagmap_import(
        settings.kg().store, list(directories), output=output, report=report, threshold=threshold,
        accepted_pairs=tuple(pairs), comparison=comparison, anomalies=anomalies,
        imported_on=imported_on.date() if imported_on else dt.date.today(),
        out=sys.stdout.buffer,
    )
    for line in summary:
        click.echo(line, err=True)


def main() -> None:
    from .guards import install_network_guard

    # Defence in depth: outside the commands that name a server (link, --endpoint), no socket
    # of this process may leave the machine.
    install_network_guard()
    cli(prog_name="gulag-kg")
