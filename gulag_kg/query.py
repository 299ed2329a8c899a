"""SPARQL queries: inline, from a file, or from the shipped library of named queries.

Queries are read-only. Updates (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE, ADD) are
refused, and so is ``SERVICE`` (which would make the engine fetch from the network) unless the
caller allows it. The check runs on the query's tokens, after strings, IRIs and comments are
taken out, so a keyword inside a literal or an IRI never trips it. ``FROM``/``FROM NAMED``
select graphs of the store (Oxigraph never fetches them) and are allowed.

Parameters are bound by the engine (SPARQL 1.1 ``VALUES``-style substitution, SEP-0007), never
pasted into the query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from . import paths
from .errors import QueryError
from .namespaces import PREFIXES
from .store import Store

# --- the library of named queries ---------------------------------------------------------


@dataclass(frozen=True)
class NamedQuery:
    """A shipped ``.rq`` file: its name (file stem), one-line title and parameters."""

    name: str
    title: str
    text: str
    params: tuple[str, ...] = field(default=())
    path: Path | None = None


def _parse_header(text: str) -> tuple[str, tuple[str, ...]]:
    title, params = "", []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        if key == "title":
            title = value.strip()
        elif key == "param":
            params.append(value.strip())
    return title, tuple(params)


def named_queries() -> dict[str, NamedQuery]:
    """The shipped named queries, by name."""
    out = {}
    for path in sorted(paths.queries_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title, params = _parse_header(text)
        out[path.stem] = NamedQuery(path.stem, title, text, params, path)
    return out


# --- reading the query --------------------------------------------------------------------

_LOOKS_LIKE_SPARQL = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE|INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)


def read_query(query: str) -> tuple[str, str]:
    """(text, origin) of inline SPARQL, a ``.rq`` file, or a named query."""
    library = named_queries()
    if query in library:
        return library[query].text, f"named query {query!r}"
    if query.endswith((".rq", ".sparql")):
        path = Path(query)
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except FileNotFoundError:
            raise QueryError(f"{query}: no such query file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{query}: cannot read the query file: {exc}") from None
    if _LOOKS_LIKE_SPARQL.search(query):
        return query, "query"
    from difflib import get_close_matches

    close = get_close_matches(query, list(library), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise QueryError(f"unknown named query {query!r}.{hint} 'gulag-kg query --list' lists them; inline SPARQL and .rq files work too.")


# --- safety -------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][\w]+)
  | (?P<pname>[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<other>\S)
    """,
    re.X,
)

_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


def keywords(query: str) -> list[str]:
    """The bare words of a query, upper-cased, outside strings, IRIs, comments and names.

    >>> keywords('SELECT ?s WHERE { ?s rdfs:label "SERVICE" } # SERVICE')
    ['SELECT', 'WHERE']
    """
    return [m.group("word").upper() for m in _TOKEN.finditer(query) if m.lastgroup == "word"]


def check_read_only(query: str, *, allow_service: bool = False) -> None:
    """Raise :class:`QueryError` for updates, and for ``SERVICE`` unless allowed."""
    words = keywords(query)
    updates = sorted(_UPDATE_WORDS.intersection(words) - {"WITH"} or _UPDATE_WORDS.intersection(words))
    if updates:
        raise QueryError(f"updates are not allowed: the query uses {', '.join(updates)}; gulag-kg query is read-only")
    if "SERVICE" in words and not allow_service:
        raise QueryError("SERVICE calls are refused: they would fetch data from the network; pass --allow-service to allow them")


# --- parameters ---------------------------------------------------------------------------


def parse_param_value(value: str) -> ox.NamedNode | ox.Literal:
    """A parameter value as an RDF term: ``<iri>``, ``prefix:name``, a number, ``"text"@lang``,
    or else a plain string.

    >>> parse_param_value("42")
    <Literal value=42 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
    >>> parse_param_value("agency:nkvd")
    <NamedNode value=https://w3id.org/gulag-kg/id/agency/nkvd>
    """
    if value.startswith("<") and value.endswith(">"):
        try:
            return ox.NamedNode(value[1:-1])
        except ValueError as exc:
            raise QueryError(f"invalid IRI {value}: {exc}") from None
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return ox.NamedNode(PREFIXES[prefix] + local)
    if re.fullmatch(r"[+-]?\d+", value):
        return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    if re.fullmatch(r"[+-]?\d*\.\d+", value):
        try:
            Decimal(value)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
            pass
        return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    m = re.fullmatch(r'"(.*)"@([A-Za-z]+(?:-[A-Za-z0-9]+)*)', value, re.S)
    if m:
        return ox.Literal(m.group(1), language=m.group(2))
    m = re.fullmatch(r'"(.*)"', value, re.S)
    return ox.Literal(m.group(1) if m else value)


def parse_params(pairs: dict[str, str], query: str) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    variables = {m.group("var")[1:] for m in _TOKEN.finditer(query) if m.lastgroup == "var"}
    out = {}
    for name, value in pairs.items():
        name = name.lstrip("?$")
        if name not in variables:
            known = ", ".join(sorted(variables)) or "none"
            raise QueryError(f"parameter {name!r} is not a variable of the query (its variables: {known})")
        out[ox.Variable(name)] = parse_param_value(value)
    return out


# --- running ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryResult:
    """What a query returned: ``kind`` is ``select``, ``ask`` or ``graph``."""

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()
    boolean: bool | None = None
    triples: tuple = ()

    def as_dicts(self) -> list[dict[str, str | None]]:
        """SELECT rows as plain dicts of strings (IRIs and literal values), ``None`` if unbound."""
        return [
            {v: (t.value if t is not None else None) for v, t in zip(self.variables, row)}
            for row in self.rows
        ]


def _syntax_error(exc: SyntaxError, origin: str) -> QueryError:
    message = str(exc)
    m = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
    if m:
        return QueryError(f"{origin}, line {m.group(1)}, column {m.group(2)}: SPARQL syntax error: {m.group(3)}")
    return QueryError(f"{origin}: SPARQL syntax error: {message}")


def execute(store: Store, query: str, *, params: dict[str, str] | None = None,
            allow_service: bool = False, origin: str = "query"):
    """Check and run a query; returns pyoxigraph's result object (for streaming serialisers)."""
    check_read_only(query, allow_service=allow_service)
    substitutions = parse_params(params or {}, query)
    try:
        return store.query(query, substitutions=substitutions or None)
    except SyntaxError as exc:
        raise _syntax_error(exc, origin) from None
    except OSError as exc:
        raise QueryError(f"{origin}: the query could not be evaluated: {exc}") from None
    except RuntimeError as exc:  # Oxigraph binds parameters only to projected variables
        m = re.search(r"variable (\?\w+)", str(exc))
        if m:
            raise QueryError(f"{origin}: parameter {m.group(1)[1:]!r} must be a variable of the SELECT clause: add {m.group(1)} to it") from None
        raise QueryError(f"{origin}: the query could not be evaluated: {exc}") from None


def run_query(store: Store, query: str, *, params: dict[str, str] | None = None,
              allow_service: bool = False) -> QueryResult:
    """Run inline SPARQL, a ``.rq`` file or a named query, and collect the result."""
    text, origin = read_query(query)
    result = execute(store, text, params=params, allow_service=allow_service, origin=origin)
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        rows = tuple(tuple(solution[v] for v in variables) for solution in result)
        return QueryResult("select", variables, rows)
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(result))
    return QueryResult("graph", triples=tuple(result))
