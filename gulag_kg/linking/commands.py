"""The ``gulag-kg link wikidata`` and ``gulag-kg link check`` commands, and the QuickStatements
branch of ``gulag-kg export``: thin clients of the linking library.

These are the only commands that use the network, and only the servers their options name
(Wikidata's by default).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from .http import default_cache_dir

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
DEFAULT_API = "https://www.wikidata.org/w/api.php"
TYPE_CHOICES = ["agency", "camp", "person", "place", "work", "event", "all"]


def network_options(f):
    """The options every command that talks to Wikidata shares."""
    options = [
        click.option("--type", "kind", type=click.Choice(TYPE_CHOICES), default="all", show_default=True,
                     help="Which entities: one kind, or all six."),
        click.option("--endpoint", default=None, metavar="URL",
                     help=f"SPARQL endpoint with Wikidata's RDF. Default: {DEFAULT_ENDPOINT} (when --api is not given either)."),
        click.option("--api", default=None, metavar="URL",
                     help=f"MediaWiki API with Wikibase (wbsearchentities, wbgetentities). Default: {DEFAULT_API} "
                          "(when --endpoint is not given either)."),
        click.option("--format", "fmt", type=click.Choice(["tsv", "json"]), default="tsv", show_default=True),
        click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
                     help="Write the table here (atomically) instead of stdout."),
        click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=None,
                     help="Directory of the answer cache (default: $XDG_CACHE_HOME/gulag-kg/wikidata, i.e. "
                          "~/.cache/gulag-kg/wikidata); a second run costs no request."),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the cache."),
        click.option("--classes", "classes_file", type=click.Path(path_type=Path), default=None,
                     help="TSV (type, qid, label) of the Wikidata classes expected for each kind, replacing the "
                          "defaults (the verified classes of gulag_kg/linking/wikidata-ids.tsv) for the kinds it lists."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
                     help="Seconds to wait for each answer."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _sources(endpoint, api, cache_dir, no_cache, timeout):
    from .http import HttpClient
    from .wikibase import ApiWikibase, SparqlWikibase, Wikibase

    if endpoint is None and api is None:
        endpoint, api = DEFAULT_ENDPOINT, DEFAULT_API
    client = HttpClient(cache_dir=None if no_cache else (cache_dir or default_cache_dir()), timeout=timeout)
    wikibase = Wikibase(SparqlWikibase(endpoint, client) if endpoint else None, ApiWikibase(api, client) if api else None)
    return client, wikibase


def _classes(path: Path | None, types: tuple[str, ...]):
    """The expected classes (the verified defaults, or ``--classes``), saying on stderr which
    kinds have none and so go without a type check."""
    from .scoring import default_classes, read_classes

    classes = read_classes(path) if path is not None else default_classes()
    for kind in types:
        if not classes.get(kind):
            click.echo(f"no Wikidata class is expected for {kind} (none verified in wikidata-ids.tsv): its type is "
                       f"not checked; give classes with --classes FILE", err=True)
    return classes


def _types(kind: str) -> tuple[str, ...]:
    from .ours import LINK_TYPES

    return LINK_TYPES if kind == "all" else (kind,)


def _emit(text: str, output: Path | None) -> None:
    from ..export import write_atomically

    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text.encode("utf-8"))


def _requests_line(client) -> str:
    return f"{client.requests_sent} request(s) sent, {client.cache_hits} answer(s) from the cache"


@click.command("wikidata")
@network_options
@click.option("--accept", "threshold", type=click.FloatRange(0, 1), default=None, metavar="THRESHOLD",
              help="Write the best candidate of each entity whose score reaches THRESHOLD (and leads the next "
                   "by 0.05) to the generated links file.")
@click.option("--accept-list", type=click.Path(path_type=Path), default=None,
              help="Write the pairs of this TSV (columns entity and qid: the candidate table with the rows a "
                   "person accepts kept) to the generated links file.")
@click.option("--links", "links_file", type=click.Path(path_type=Path), default=None,
              help="The generated links file (default: graph/wikidata-links.ttl). Never the curated graph/wikidata.ttl.")
@click.option("--candidates", "per_entity", type=click.IntRange(1, 50), default=5, show_default=True,
              help="Candidates listed per entity, best first.")
@click.option("--date", "created", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date recorded in the provenance of accepted links (default: today).")
@click.pass_obj
def wikidata_command(settings, kind, endpoint, api, fmt, output, cache_dir, no_cache, classes_file, timeout,
                     threshold, accept_list, links_file, per_entity, created) -> None:
    """Find Wikidata candidates for the entities without a link, scored with evidence.

    Looks up English, Russian and alternative labels (exactly on the SPARQL endpoint, in batches;
    fuzzily with wbsearchentities on the API), then scores each item found by label, type
    (P31/P279* against the classes expected for the kind), dates and coordinates. Either source
    alone is enough. The table has one row per candidate: entity, label, qid, candidate_label,
    score (0 to 1), evidence. --accept or --accept-list write chosen links, with their
    provenance, to a generated file; curated links are never touched.

    \b
    Example:
        gulag-kg link wikidata --type camp
        gulag-kg link wikidata --type person --format json -o people.json
        gulag-kg link wikidata --accept 0.85
        gulag-kg link wikidata --accept-list reviewed.tsv
        gulag-kg link wikidata --endpoint http://localhost:7878/query --type place
    """
    from .. import paths
    from .candidates import find_candidates, format_candidates_tsv
    from .links import accept_links, check_links_file, read_accept_list

    pairs = read_accept_list(accept_list) if accept_list is not None else []
    accepting = threshold is not None or accept_list is not None
    curated = paths.project_root() / "graph" / "wikidata.ttl"
    path = links_file or curated.with_name("wikidata-links.ttl")
    if accepting:  # refuse a file we must not write before asking any server
        check_links_file(path if links_file else paths.writable(path), curated)
    store = settings.kg().store
    client, wikibase = _sources(endpoint, api, cache_dir, no_cache, timeout)
    types = _types(kind)
    report = find_candidates(store, wikibase, types=types, classes=_classes(classes_file, types), per_entity=per_entity)
    if fmt == "json":
        _emit(json.dumps([asdict(r) for r in report.rows], ensure_ascii=False, indent=1) + "\n", output)
    else:
        _emit(format_candidates_tsv(report.rows), output)
    click.echo(f"{len(report.entities)} entities without a Wikidata link: {len(report.rows)} candidates for "
               f"{len({r.entity for r in report.rows})} of them; {_requests_line(client)}", err=True)
    if not accepting:
        return
    result = accept_links(store, report.rows, path=path, curated_file=curated, threshold=threshold, accept_list=pairs,
                          reviewed_from=str(accept_list) if accept_list else None, sources=wikibase.locations,
                          created=(created or dt.datetime.now()).date())
    for u in result.decision.undecided:
        click.echo(f"not accepted: {u.label} <{u.entity}>: {u.reason}", err=True)
    for entity in result.written.dropped:
        click.echo(f"dropped the generated link of <{entity}>: it has another link now", err=True)
    click.echo(f"accepted {result.written.added} link(s), kept {result.written.kept} from earlier runs; "
               f"wrote {result.written.path}", err=True)


@click.command("check")
@network_options
@click.pass_obj
def check_command(settings, kind, endpoint, api, fmt, output, cache_dir, no_cache, classes_file, timeout) -> None:
    """Check every Wikidata link against the item: labels, type, dates, coordinates, figures.

    Fetches each linked item and reports, one row each, what disagrees with our graph: the item
    is missing or redirected, no label is close to ours, its P31 is not a kind expected for the
    entity, a date differs (inception/dissolution, start/end, birth/death, publication), the
    coordinates are more than 25 km apart, or Wikidata's number of deaths (P1120) is not one of
    our claims. Columns: entity, label, qid, check, ours, wikidata, note. Changes nothing; exits
    0 whatever it finds (2 if it could not run).

    \b
    Example:
        gulag-kg link check
        gulag-kg link check --type agency --format json
        gulag-kg --data gulagmap.trig link check --type camp -o camp-check.tsv
    """
    from .check import check_links, format_check_tsv

    store = settings.kg().store
    client, wikibase = _sources(endpoint, api, cache_dir, no_cache, timeout)
    types = _types(kind)
    report = check_links(store, wikibase, types=types, classes=_classes(classes_file, types))
    if fmt == "json":
        _emit(json.dumps([asdict(r) for r in report.rows], ensure_ascii=False, indent=1) + "\n", output)
    else:
        _emit(format_check_tsv(report.rows), output)
    counts = ", ".join(f"{k} {n}" for k, n in report.counts().items()) or "none"
    click.echo(f"checked {report.links} link(s) against {' and '.join(report.sources)}: {len(report.rows)} "
               f"disagreement(s) ({counts}); {_requests_line(client)}", err=True)


def write_quickstatements(store, output: Path | None) -> None:
    """The ``export --format quickstatements`` branch: commands on stdout or in ``output``,
    what was left out (and why) on stderr."""
    from .quickstatements import export_quickstatements

    result = export_quickstatements(store)
    data = result.text.encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        from ..export import write_atomically

        write_atomically(output, data)
    for skip in result.skipped:
        click.echo(f"left out {skip.claim}: {skip.reason}", err=True)
    where = f" to {output}" if output is not None else ""
    click.echo(f"wrote {len(result.lines)} QuickStatements command(s) for {result.claims} claim(s){where}; "
               f"{len(result.skipped)} claim(s) left out", err=True)
