"""SPARQL queries: inline, from a file, or from the shipped library of named queries.

Queries are read-only. Updates (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE, ADD) are
refused, and so is ``SERVICE`` (which would make the engine fetch from the network) unless the
caller allows it. The check runs on the query's SPARQL tokens, so a keyword inside a literal,
an IRI, a comment or a name never trips it, and nothing hides one from it. ``FROM``/``FROM
NAMED`` select graphs of the store (Oxigraph never reads or fetches what they name); without
them a query sees the union of the store's graphs.

Every query has a time limit, a row limit and a memory limit (:data:`DEFAULT_TIMEOUT`,
:data:`DEFAULT_MAX_ROWS`, :data:`DEFAULT_MEMORY_MB`). On a local store it runs in a persistent
worker process that is killed at the time limit and, on Linux, may not open Internet sockets
(see :mod:`gulag_kg.workers` and :mod:`gulag_kg.guards`).

Parameters are bound by the engine (SPARQL 1.1 ``VALUES``-style substitution, SEP-0007), never
pasted into the query text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from . import paths, workers
from .errors import QueryError
from .params import QueryParameter, bind_parameters, parse_parameters
from .prefixes import PREFIXES
from .store import Store

# --- the library of named queries ---------------------------------------------------------


@dataclass(frozen=True)
class NamedQuery:
    """A shipped ``.rq`` file: its name (file stem), one-line title and declared parameters."""

    name: str
    title: str
    text: str
    params: tuple[QueryParameter, ...] = field(default=())
    path: Path | None = None


def _parse_title(text: str) -> str:
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(":")
        if key == "title":
            return value.strip()
    return ""


def named_queries() -> dict[str, NamedQuery]:
    """The shipped named queries, by name."""
    out = {}
    for path in sorted(paths.queries_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        out[path.stem] = NamedQuery(path.stem, _parse_title(text), text, parse_parameters(text), path)
    return out


# --- reading the query --------------------------------------------------------------------

# A named query's name is one word of letters, digits and dashes; anything else (spaces, braces,
# a variable) is SPARQL text, so that a typo in a keyword is reported as a syntax error of the
# query, not as an unknown name.
_QUERY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def read_query(query: str) -> tuple[str, str]:
    """(text, origin) of inline SPARQL, a ``.rq`` file, or a named query."""
    library = named_queries()
    if query in library:
        return library[query].text, f"named query {query!r}"
    if query.endswith((".rq", ".sparql")) and "\n" not in query and "{" not in query:
        path = Path(query)
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except FileNotFoundError:
            raise QueryError(f"{query}: no such query file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"{query}: cannot read the query file: {exc}") from None
    if not _QUERY_NAME.fullmatch(query.strip()):
        return query, "query"
    from difflib import get_close_matches

    close = get_close_matches(query, list(library), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise QueryError(f"unknown named query {query!r}.{hint} 'gulag-kg query --list' lists them; inline SPARQL and .rq files work too.")


# --- safety -------------------------------------------------------------------------------
#
# The check is made on the query's tokens, lexed by the terminals of the SPARQL 1.1 grammar
# (section 19.8). In that grammar the keyword SERVICE occurs only in ServiceGraphPattern and the
# update keywords only in update operations, so a SERVICE token is a SERVICE call wherever it
# stands (OPTIONAL, subquery, ASK, CONSTRUCT, SILENT): the check sees what an algebra would,
# without a second SPARQL parser (rdflib's rejects valid queries that Oxigraph runs). A character
# that starts no SPARQL token is refused: what the lexer cannot read, it cannot vouch for.
# A local store also runs queries in a child process with no network at all (see below), so a
# SERVICE call that slipped past this check would still fail.

# The classes of names beyond ASCII, kept apart: compiling them takes tens of milliseconds, and
# most queries are ASCII, which the same pattern without them reads into the same tokens.
_NAME_START_BEYOND_ASCII = ("\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
                            "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_NAME_REST_BEYOND_ASCII = "\u00b7\u0300-\u036f\u203f-\u2040"


@functools.lru_cache(maxsize=2)
def _token_regex(ascii_only: bool) -> re.Pattern:
    """The terminals of SPARQL 1.1 (section 19.8) as one pattern; with ``ascii_only``, the same
    pattern without the non-ASCII characters of names (equivalent on ASCII text)."""
    beyond_start, beyond_rest = ("", "") if ascii_only else (_NAME_START_BEYOND_ASCII, _NAME_REST_BEYOND_ASCII)
    pn_chars_base = "A-Za-z" + beyond_start
    pn_chars_u = pn_chars_base + "_"
    pn_chars = pn_chars_u + r"\-0-9" + beyond_rest
    plx = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
    uchar = r"(?:\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})"
    echar = r"(?:\\[tbnrf\\\"']|" + uchar + ")"
    pn_prefix = f"[{pn_chars_base}](?:[{pn_chars}.]*[{pn_chars}])?"
    pn_local = f"(?:[{pn_chars_u}:0-9]|{plx})(?:(?:[{pn_chars}.:]|{plx})*(?:[{pn_chars}:]|{plx}))?"
    varname = f"[{pn_chars_u}0-9][{pn_chars_u}0-9{beyond_rest}]*"
    return re.compile(
        rf"""
    (?P<ws>[\x20\t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|{echar}))*'''
              |\"\"\"(?:(?:"|"")?(?:[^"\\]|{echar}))*\"\"\"
              |'(?:[^'\\\n\r]|{echar})*'
              |"(?:[^"\\\n\r]|{echar})*")
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{uchar})*>)
  | (?P<var>[?$]{varname})
  | (?P<bnode>_:[{pn_chars_u}0-9](?:[{pn_chars}.]*[{pn_chars}])?)
  | (?P<pname>(?:{pn_prefix})?:(?:{pn_local})?)
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?)
  | (?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|<<|>>|\{{\||\|}}|[{{}}()\[\];,.=<>!+\-*/^|~])
    """,
        re.X,
    )


_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


def _position(query: str, pos: int) -> tuple[int, int]:
    """(line, column) of a character offset, both counted from 1."""
    return query.count("\n", 0, pos) + 1, pos - (query.rfind("\n", 0, pos) + 1) + 1


def _scan(query: str, origin: str) -> tuple[tuple[str, str, int], ...]:
    """(kind, text, offset) of each token. Each query is read by several checks (read-only,
    parameters, nesting, form), and a server sees the same queries again and again: the last
    short ones read are remembered."""
    if len(query) <= 16_384:
        return _recent_scans(query, origin)
    return _read_tokens(query, origin)


def _read_tokens(query: str, origin: str) -> tuple[tuple[str, str, int], ...]:
    out = []
    pos = 1 if query.startswith("\ufeff") else 0
    token = _token_regex(query[pos:].isascii())
    while pos < len(query):
        m = token.match(query, pos)
        if m is None:
            line, column = _position(query, pos)
            raise QueryError(f"{origin}, line {line}, column {column}: SPARQL syntax error: "
                             f"{query[pos]!r} starts no SPARQL token")
        if m.lastgroup not in ("ws", "comment"):
            out.append((m.lastgroup, m.group(), pos))
        pos = m.end()
    return tuple(out)


_recent_scans = functools.lru_cache(maxsize=256)(_read_tokens)


def tokens(query: str, *, origin: str = "query") -> list[tuple[str, str]]:
    """The query's SPARQL tokens as (kind, text), whitespace and comments left out.

    Raises :class:`QueryError` at the first character that starts no SPARQL token.

    >>> tokens('ASK { ?s ex:p\\\\# "x" } # SERVICE')
    [('word', 'ASK'), ('punct', '{'), ('var', '?s'), ('pname', 'ex:p\\\\#'), ('string', '"x"'), ('punct', '}')]
    """
    return [(kind, text) for kind, text, _ in _scan(query, origin)]


def keywords(query: str) -> list[str]:
    """The bare words of a query, upper-cased, outside strings, IRIs, comments and names.

    >>> keywords('SELECT ?s WHERE { ?s rdfs:label "SERVICE" } # SERVICE')
    ['SELECT', 'WHERE']
    """
    return [text.upper() for kind, text in tokens(query) if kind == "word"]


_QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def check_syntax(query: str, *, origin: str = "query") -> None:
    """Report, before the engine sees it, what the engine would report badly: a query that does
    not start with a query form (``SELEC ?s ...``), and a prefix that is declared nowhere.

    Both raise :class:`QueryError` with the line and column. The project's prefixes (``gk:``,
    ``rdfs:``...) are declared for every query.

    >>> check_syntax("SELEC ?s WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    ...
    gulag_kg.errors.QueryError: query, line 1, column 1: SPARQL syntax error: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after any PREFIX and BASE declarations), not 'SELEC'
    """
    scanned = _scan(query, origin)
    declared = set(PREFIXES)
    i = 0
    while i < len(scanned):  # the prologue: PREFIX p: <iri> and BASE <iri>
        kind, text, _ = scanned[i]
        if kind == "word" and text.upper() == "PREFIX" and i + 1 < len(scanned) and scanned[i + 1][0] == "pname":
            declared.add(scanned[i + 1][1].split(":", 1)[0])
            i += 3
        elif kind == "word" and text.upper() == "BASE":
            i += 2
        else:
            break
    if i < len(scanned):
        kind, text, pos = scanned[i]
        upper = text.upper()
        if not (kind == "word" and (upper in _QUERY_FORMS or upper in _UPDATE_WORDS)):
            line, column = _position(query, pos)
            raise QueryError(f"{origin}, line {line}, column {column}: SPARQL syntax error: a query starts with SELECT, ASK, "
                             f"CONSTRUCT or DESCRIBE (after any PREFIX and BASE declarations), not {text!r}")
    for kind, text, pos in scanned[i:]:
        if kind == "pname":
            prefix = text.split(":", 1)[0]
            if prefix not in declared:
                line, column = _position(query, pos)
                known = ", ".join(f"{p}:" for p in list(PREFIXES)[:12])
                raise QueryError(f"{origin}, line {line}, column {column}: SPARQL syntax error: unknown prefix {prefix + ':'!r} "
                                 f"in {text!r}; declare it (PREFIX {prefix}: <...>) or use a declared one ({known}, ...)")


def tidy_engine_message(message: str) -> str:
    """The engine's syntax message on one line, without the Unicode ranges it lists as the
    characters it expected (``expected one of OPTIONAL, ['A' ..= 'Z' | ...]`` -> ``expected one
    of OPTIONAL, a name``)."""
    text = " ".join(message.split())
    text = re.sub(r"\[[^\]]*(?:\.\.=|'\\u\{)[^\]]*\]", "a name character", text)
    text = re.sub(r"(, a name character)+", ", a name character", text)
    return text if len(text) <= 300 else text[:297] + "..."


def check_read_only(query: str, *, allow_service: bool = False, origin: str = "query") -> None:
    """Raise :class:`QueryError` for updates, and for ``SERVICE`` unless allowed (after
    :func:`check_syntax`)."""
    words = [text.upper() for kind, text in tokens(query, origin=origin) if kind == "word"]
    updates = sorted(_UPDATE_WORDS.intersection(words) - {"WITH"} or _UPDATE_WORDS.intersection(words))
    if updates:
        raise QueryError(f"updates are not allowed: the query uses {', '.join(updates)}; gulag-kg query is read-only")
    if "SERVICE" in words and not allow_service:
        raise QueryError("SERVICE calls are refused: they would fetch data from the network; pass --allow-service to allow them")
    check_syntax(query, origin=origin)


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


def parse_params(pairs: dict, query: str, *, store=None) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Bindings for a query's variables. Values may be RDF terms (taken as they are) or strings.

    A string for a parameter the query's header declares (see :mod:`gulag_kg.params`) is resolved
    in ``store`` by its type (a label in any language for an entity, an integer for a year...);
    any other string is read by :func:`parse_param_value`. Declared parameters with a default
    are bound to it when not given, so that their column of the answer is never blank."""
    variables = {text[1:] for kind, text in tokens(query) if kind == "var"}
    declared = parse_parameters(query)
    out = {}
    for name, value in pairs.items():
        name = name.lstrip("?$")
        if name not in variables:
            known = ", ".join(sorted(variables)) or "none"
            raise QueryError(f"parameter {name!r} is not a variable of the query (its variables: {known})")
        if isinstance(value, (ox.NamedNode, ox.Literal)):
            out[ox.Variable(name)] = value
        elif not any(p.name == name for p in declared) or store is None:
            out[ox.Variable(name)] = parse_param_value(value)
    if store is not None and declared:
        resolved = bind_parameters(store, tuple(p for p in declared if p.name in variables),
                                   {k.lstrip("?$"): v for k, v in pairs.items()})
        out.update({ox.Variable(name): term for name, term in resolved.items()})
    return out


# --- running ------------------------------------------------------------------------------
#
# Oxigraph cannot cancel a query once it runs. So a query on a local store runs in a worker
# process (gulag_kg.workers) that is killed when the time limit passes, with a memory cap and,
# on Linux, no Internet sockets (unless SERVICE is allowed). Workers are persistent, one pool
# per store, forked from a process that runs no threads (a process forked from a threaded one can
# inherit a lock held forever). A worker sends the result back in SPARQL TSV (SELECT), as a
# boolean (ASK) or in N-Triples (CONSTRUCT, DESCRIBE): lossless formats for every RDF term, with
# one row per line, so that rows past the limit are counted before anything is sent.
# A remote endpoint store is bounded by its own HTTP timeout and runs in this process.

#: Default time limit of a user query, in seconds (``gulag-kg query --timeout``).
DEFAULT_TIMEOUT = 60.0
#: Default limit on the rows (or triples) of a user query's result (``--max-rows``).
DEFAULT_MAX_ROWS = 1_000_000
#: Default memory cap of a query, in MiB beyond what its worker process had at its start.
DEFAULT_MEMORY_MB = workers.DEFAULT_MEMORY_MB
#: Deepest nesting of a query's groups, brackets and chained operators that the engine is given
#: (Oxigraph parses and evaluates recursively: a few thousand levels overflow its stack).
MAX_NESTING = 1000


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
        return QueryError(f"{origin}, line {m.group(1)}, column {m.group(2)}: SPARQL syntax error: {tidy_engine_message(m.group(3))}")
    return QueryError(f"{origin}: SPARQL syntax error: {message}")


def _engine_error(kind: str, message: str, origin: str) -> QueryError:
    """Our error for an exception of the engine (given by type name and message)."""
    if kind == "SyntaxError":
        return _syntax_error(SyntaxError(message), origin)
    if kind == "RuntimeError":  # Oxigraph binds parameters only to projected variables
        m = re.search(r"variable (\?\w+)", message)
        if m:
            return QueryError(f"{origin}: parameter {m.group(1)[1:]!r} must be a variable of the SELECT clause: add {m.group(1)} to it")
    if kind in ("QueryError", "RdfXmlRefused"):
        return QueryError(message)
    return QueryError(f"{origin}: the query could not be evaluated: {message}")


class QueryStopped(QueryError):
    """A query that did not run to the end: stopped by a limit, or its engine failed.

    ``reason`` is that of :class:`gulag_kg.workers.WorkerFailure` (``timeout``, ``rows``,
    ``memory``, ``server-memory``, ``busy``, ``crash``, ``engine``), ``syntax``, ``format`` (the
    answer cannot be written in the format asked for: RDF/XML) or ``nesting``; the web layer
    turns it into an HTTP status.
    """

    def __init__(self, message: str, *, reason: str, engine_error: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.engine_error = engine_error


#: How a caller of the command line lifts each limit (the server says it its own way).
CLI_HINTS = {"timeout": "raise --timeout", "rows": "raise --max-rows", "memory": "raise --memory"}


def stopped(failure: workers.WorkerFailure, origin: str, hints: dict[str, str] = CLI_HINTS) -> QueryError:
    """The error to show for a query that a worker did not answer."""
    reason, limit = failure.reason, failure.limit
    if reason == "timeout":
        text = (f"{origin}: the query took longer than the time limit of {limit:g} s and was stopped; "
                f"narrow it down (LIMIT, more specific patterns) or {hints['timeout']}")
    elif reason == "rows":
        text = f"{origin}: the result has more than {limit:,} rows; add a LIMIT, or {hints['rows']}"
    elif reason == "memory":
        cap = f"its memory limit of {limit:,} MB" if limit else "the memory it may use"
        text = f"{origin}: the query needed more than {cap} and was stopped; narrow it down, or {hints['memory']}"
    elif reason == "server-memory":
        text = f"{origin}: {failure.detail}; the query was stopped: try again later"
    elif reason == "busy":
        text = f"{origin}: too many queries at once ({failure.detail}); try again in a few seconds"
    elif reason == "crash":
        text = f"{origin}: the query engine failed ({failure.detail or 'no reason given'})"
    else:
        error = _engine_error(failure.error_type, failure.detail, origin)
        reason = {"SyntaxError": "syntax", "RdfXmlRefused": "format"}.get(failure.error_type, "engine")
        return QueryStopped(str(error), reason=reason, engine_error=failure.error_type)
    return QueryStopped(text, reason=reason)


_CHAINING_WORDS = {"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "VALUES", "GRAPH", "SERVICE", "AS", "EXISTS"}
_CHAINING_PUNCT = {"/", "|", "^", "&&", "||", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "!"}


def nesting(query: str) -> int:
    """How deep the engine may recurse on ``query``: an upper estimate, in levels.

    Brackets open at a point, plus what chains in each open group (sibling groups, ``UNION``,
    ``OPTIONAL``, ``FILTER``, ``BIND``, binary operators, path steps, a tenth for each triple
    pattern): the engine builds each chain as a left-deep tree. VALUES data and function
    arguments do not chain.

    >>> nesting("ASK { ?s ?p ?o }")
    2
    >>> nesting("SELECT * WHERE " + "{" * 50 + "}" * 50) > 50
    True
    """
    groups: list[list] = [["", 0]]  # [bracket, chained tenths] for each open bracket
    chained = 0  # tenths, over the open groups
    worst = 0
    values_depth = None  # bracket depth of a VALUES data block being read
    for kind, text in tokens(query):
        if values_depth is not None:
            if kind == "punct" and text in "{(":
                groups.append([text, 0])
            elif kind == "punct" and text in "})" and len(groups) > 1:
                groups.pop()
                if len(groups) == values_depth:
                    values_depth = None
            continue
        step = 0
        if kind == "punct":
            if text in ("{", "(", "["):
                if text == "{":
                    groups[-1][1] += 10
                    chained += 10
                groups.append([text, 0])
            elif text in ("}", ")", "]"):
                if len(groups) > 1:
                    chained -= groups.pop()[1]
            elif text in (".", ";") or (text == "," and groups[-1][0] != "("):
                step = 1
            elif text in _CHAINING_PUNCT:
                step = 10
        elif kind == "word":
            word = text.upper()
            if word in _CHAINING_WORDS:
                step = 10
            if word == "VALUES":
                values_depth = len(groups)
        if step:
            groups[-1][1] += step
            chained += step
        worst = max(worst, len(groups) - 1 + chained // 10)
    return max(worst, 1)


def check_nesting(query: str, *, origin: str = "query") -> None:
    """Refuse a query nested or chained too deeply for the engine (see :func:`nesting`)."""
    depth = nesting(query)
    if depth > MAX_NESTING:
        raise QueryStopped(f"{origin}: the query nests or chains too deeply for the engine (about {depth:,} levels of "
                           f"groups, brackets, operators and patterns; at most {MAX_NESTING:,}); split it into smaller queries",
                           reason="nesting")


def query_form(query: str) -> str:
    """``select``, ``ask``, ``construct`` or ``describe``: the form of a (checked) query.

    >>> query_form("PREFIX ex: <http://e/> CONSTRUCT WHERE { ?s ?p ?o }")
    'construct'
    """
    for kind, text in tokens(query):
        if kind == "word" and text.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return text.lower()
    raise QueryError("the query has no SELECT, ASK, CONSTRUCT or DESCRIBE")


def uses_from(query: str) -> bool:
    """True if the query names its dataset (``FROM`` / ``FROM NAMED``): its default graph is
    then the graphs it names, else the union of the store's graphs."""
    return any(kind == "word" and text.upper() == "FROM" for kind, text in tokens(query))


def execute(store: Store, query: str, *, params: dict[str, str] | None = None,
            allow_service: bool = False, origin: str = "query",
            timeout: float | None = DEFAULT_TIMEOUT, max_rows: int | None = DEFAULT_MAX_ROWS,
            memory_mb: int | None = DEFAULT_MEMORY_MB):
    """Check and run a query; returns pyoxigraph's result: :class:`pyoxigraph.QuerySolutions`
    (SELECT), :class:`pyoxigraph.QueryBoolean` (ASK) or an iterable of triples.

    ``timeout`` (seconds), ``max_rows`` and ``memory_mb`` (the query's memory beyond its
    worker's start) bound the work; ``None`` lifts a bound. Exceeding any raises
    :class:`QueryError`, as do updates, SERVICE (unless ``allow_service``), queries nested too
    deeply and syntax errors.
    """
    check_read_only(query, allow_service=allow_service, origin=origin)
    check_nesting(query, origin=origin)
    substitutions = parse_params(params or {}, query, store=store) or None
    union = not uses_from(query)
    if timeout is not None and timeout <= 0:
        raise QueryError(f"the time limit must be positive, not {timeout:g} s")
    if max_rows is not None and max_rows < 0:
        raise QueryError(f"the row limit must be 0 or more, not {max_rows}")
    if memory_mb is not None and memory_mb <= 0:
        raise QueryError(f"the memory limit must be positive, not {memory_mb} MB")
    if _runs_in_workers(store):
        pool = workers.pool_for(store, network=allow_service, memory_mb=memory_mb)
        request = workers.request(query, fmt={"select": "tsv", "ask": "json", "graph": "nt"}, union=union,
                                  substitutions=substitutions, max_rows=max_rows)
        try:
            answer = pool.run(request, timeout=timeout)
        except workers.WorkerFailure as failure:
            raise stopped(failure, origin) from None
        return _parse_answer(answer)
    try:
        result = store.query(query, substitutions=substitutions, union=union)
    except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
        raise _engine_error(type(exc).__name__, str(exc), origin) from None
    if max_rows is not None and not isinstance(result, ox.QueryBoolean):
        return _at_most(result, max_rows, origin)
    return result


def _parse_answer(answer: workers.Answer):
    if answer.form == "ask":
        return ox.parse_query_results(answer.data, format=ox.QueryResultsFormat.JSON)
    if answer.form == "select":
        return ox.parse_query_results(answer.data, format=ox.QueryResultsFormat.TSV)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(answer.data, format=ox.RdfFormat.N_TRIPLES)]


def _at_most(result, max_rows: int, origin: str):
    """A remote store's result, refused if it has more than ``max_rows`` rows or triples."""
    if isinstance(result, ox.QuerySolutions):
        variables = result.variables
        rows = list(result)
        if len(rows) > max_rows:
            raise stopped(workers.WorkerFailure("rows", limit=max_rows), origin)
        # read back as pyoxigraph's own type (callers serialise it)
        return ox.parse_query_results(_results_json(variables, rows), format=ox.QueryResultsFormat.JSON)
    triples = list(result)
    if len(triples) > max_rows:
        raise stopped(workers.WorkerFailure("rows", limit=max_rows), origin)
    return triples


def _results_json(variables, rows) -> bytes:
    """SELECT solutions in SPARQL 1.1 Query Results JSON."""
    import json

    def term(t) -> dict:
        if isinstance(t, ox.NamedNode):
            return {"type": "uri", "value": t.value}
        if isinstance(t, ox.BlankNode):
            return {"type": "bnode", "value": t.value}
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = t.datatype.value
        return out

    names = [v.value for v in variables]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": [
        {n: term(row[v]) for n, v in zip(names, variables) if row[v] is not None} for row in rows]}}).encode()


def run_query(store: Store, query: str, *, params: dict[str, str] | None = None,
              allow_service: bool = False, timeout: float | None = DEFAULT_TIMEOUT,
              max_rows: int | None = DEFAULT_MAX_ROWS, memory_mb: int | None = DEFAULT_MEMORY_MB) -> QueryResult:
    """Run inline SPARQL, a ``.rq`` file or a named query, and collect the result."""
    text, origin = read_query(query)
    result = execute(store, text, params=params, allow_service=allow_service, origin=origin,
                     timeout=timeout, max_rows=max_rows, memory_mb=memory_mb)
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        rows = tuple(tuple(solution[v] for v in variables) for solution in result)
        return QueryResult("select", variables, rows)
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(result))
    return QueryResult("graph", triples=tuple(result))


def _runs_in_workers(store) -> bool:
    """A local Oxigraph store runs queries in killable workers; an endpoint is remote."""
    from . import store as store_module

    endpoint = getattr(store_module, "EndpointStore", None)
    if endpoint is not None and isinstance(store, endpoint):
        return False
    return workers.fork_available()
