"""Writing query results in the SPARQL 1.1 result formats, or as a table for people.

When a result holds claims that the source contradicts elsewhere (``gk:contradicts``), the table
for people ends with both sides of each conflict and their quotes; the machine formats stay
standard, and a one-line note on stderr says which claims are contradicted.
"""

from __future__ import annotations

import re
import sys
from typing import BinaryIO

import pyoxigraph as ox

from .claims import contradictions
from .entities import compact
from .errors import QueryError
from .query import execute, read_query
from .render import format_table, term_text
from .text import render_contradictions
from .store import Store

_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "jsonld"}
_CLAIM_IRI = re.compile(rb"https://w3id\.org/gulag-kg/id/claim/[A-Za-z0-9._~%-]+")


def write_query_result(store: Store, query: str, *, params: dict[str, str], fmt: str,
                       allow_service: bool = False, out: BinaryIO | None = None,
                       timeout: float | None = 60.0, max_rows: int | None = 1_000_000,
                       memory_mb: int | None = 2048) -> None:
    """Run ``query`` and write its result to ``out`` (stdout) in ``fmt``.

    SELECT and ASK: ``table``, ``csv``, ``tsv``, ``json``, ``xml``. CONSTRUCT and DESCRIBE:
    ``turtle`` (the default), ``nt``, ``jsonld``.
    """
    out = out or sys.stdout.buffer
    text, origin = read_query(query)
    result = execute(store, text, params=params, allow_service=allow_service, origin=origin,
                     timeout=timeout, max_rows=max_rows, memory_mb=memory_mb)
    if not isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):  # CONSTRUCT/DESCRIBE, any store
        # table and tsv are the defaults on and off a terminal: a graph is then Turtle.
        if fmt in ("csv", "json", "xml"):
            raise QueryError(f"--format {fmt} is for SELECT and ASK results; a CONSTRUCT or DESCRIBE query gives a graph: use turtle, nt or jsonld")
        from .export import serialize_quads  # here: a SELECT, the common case, needs none of it

        graph_fmt = _GRAPH_FORMATS.get(fmt, "turtle")
        out.write(serialize_quads((ox.Quad(t.subject, t.predicate, t.object) for t in result), graph_fmt))
        return
    if fmt in _GRAPH_FORMATS:
        raise QueryError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries; use table, csv, tsv, json or xml")
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            out.write(b"true\n" if bool(result) else b"false\n")
        else:
            out.write(result.serialize(format=_RESULT_FORMATS[fmt]))
            out.write(b"\n" if fmt in ("json", "xml") else b"")
        return
    if fmt == "table":
        variables = [v.value for v in result.variables]
        solutions = list(result)
        rows = [[term_text(solution[v]) for v in variables] for solution in solutions]
        text = format_table(variables, rows) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"
        conflicts = contradictions(store, {t.value for s in solutions for t in (s[v] for v in variables)
                                           if isinstance(t, ox.NamedNode)})
        if conflicts:
            text += "\n" + render_contradictions(conflicts) + "\n"
        out.write(text.encode("utf-8"))
        return
    data = result.serialize(format=_RESULT_FORMATS[fmt])
    out.write(data)
    if fmt in ("json", "xml"):
        out.write(b"\n")
    # The machine formats stay standard: the conflicts go to stderr, found by the claims' IRIs.
    conflicts = contradictions(store, {m.decode("utf-8") for m in _CLAIM_IRI.findall(data)})
    if conflicts:
        out.flush()
        pairs = "; ".join(f"{compact(k.first.iri)} contradicts {compact(k.second.iri)}" for k in conflicts)
        print(f"note: conflicting claims in this result: {pairs} (--format table shows both sides with their quotes)",
              file=sys.stderr)
