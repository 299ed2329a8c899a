"""SPARQL queries: inline, from a file, or from the shipped library of named queries.

Queries are read-only. Updates (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE, ADD) are
refused, and so is ``SERVICE`` (which would make the engine fetch from the network) unless the
caller allows it. The check runs on the query's SPARQL tokens, so a keyword inside a literal,
an IRI, a comment or a name never trips it, and nothing hides one from it. ``FROM``/``FROM
NAMED`` select graphs of the store (Oxigraph never reads or fetches what they name); without
them a query sees the union of the store's graphs.

Every query has a time limit and a row limit (:data:`DEFAULT_TIMEOUT`, :data:`DEFAULT_MAX_ROWS`).
On a local store it runs in a forked child process that is killed at the time limit and, on
Linux, may not open Internet sockets (see :mod:`gulag_kg.guards`).

Parameters are bound by the engine (SPARQL 1.1 ``VALUES``-style substitution, SEP-0007), never
pasted into the query text.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import signal
import time
import warnings
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from . import paths
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

_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
                  "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_UCHAR = r"(?:\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})"
_ECHAR = r"(?:\\[tbnrf\\\"']|" + _UCHAR + ")"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"

_TOKEN = re.compile(
    rf"""
    (?P<ws>[\x20\t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''
              |\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*\"\"\"
              |'(?:[^'\\\n\r]|{_ECHAR})*'
              |"(?:[^"\\\n\r]|{_ECHAR})*")
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<var>[?$]{_VARNAME})
  | (?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
  | (?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
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


def _scan(query: str, origin: str) -> list[tuple[str, str, int]]:
    out = []
    pos = 1 if query.startswith("\ufeff") else 0
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if m is None:
            line, column = _position(query, pos)
            raise QueryError(f"{origin}, line {line}, column {column}: SPARQL syntax error: "
                             f"{query[pos]!r} starts no SPARQL token")
        if m.lastgroup not in ("ws", "comment"):
            out.append((m.lastgroup, m.group(), pos))
        pos = m.end()
    return out


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
# Oxigraph cannot cancel a query once it runs. So a query on a local store runs in a forked
# child process that the parent kills when the time limit passes; the child has no network
# (the kernel refuses it Internet sockets, unless SERVICE is allowed) and stops when the
# result passes the row limit. The child sends the result back in SPARQL TSV (SELECT), as a
# boolean (ASK) or in N-Triples (CONSTRUCT, DESCRIBE): lossless formats for every RDF term.
# A remote endpoint store is bounded by its own HTTP timeout and runs in this process.

#: Default time limit of a user query, in seconds (``gulag-kg query --timeout``).
DEFAULT_TIMEOUT = 60.0
#: Default limit on the rows (or triples) of a user query's result (``--max-rows``).
DEFAULT_MAX_ROWS = 1_000_000


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
    if kind == "QueryError":
        return QueryError(message)
    return QueryError(f"{origin}: the query could not be evaluated: {message}")


def execute(store: Store, query: str, *, params: dict[str, str] | None = None,
            allow_service: bool = False, origin: str = "query",
            timeout: float | None = DEFAULT_TIMEOUT, max_rows: int | None = DEFAULT_MAX_ROWS):
    """Check and run a query; returns pyoxigraph's result: :class:`pyoxigraph.QuerySolutions`
    (SELECT), :class:`pyoxigraph.QueryBoolean` (ASK) or an iterable of triples.

    ``timeout`` (seconds) and ``max_rows`` bound the work; ``None`` lifts a bound. Exceeding
    either raises :class:`QueryError`, as do updates, SERVICE (unless ``allow_service``) and
    syntax errors.
    """
    check_read_only(query, allow_service=allow_service, origin=origin)
    substitutions = parse_params(params or {}, query, store=store) or None
    # With FROM / FROM NAMED the query names its dataset (graphs of the store: Oxigraph never
    # fetches them); otherwise its default graph is the union of the store's graphs.
    union = not any(kind == "word" and text.upper() == "FROM" for kind, text in tokens(query))
    if timeout is not None and timeout <= 0:
        raise QueryError(f"the time limit must be positive, not {timeout:g} s")
    if max_rows is not None and max_rows < 0:
        raise QueryError(f"the row limit must be 0 or more, not {max_rows}")
    if _runs_in_child(store):
        return _run_in_child(store, query, substitutions, union=union, origin=origin, timeout=timeout,
                             max_rows=max_rows, network=allow_service)
    try:
        return store.query(query, substitutions=substitutions, union=union)
    except (SyntaxError, OSError, RuntimeError, ValueError) as exc:
        raise _engine_error(type(exc).__name__, str(exc), origin) from None


def run_query(store: Store, query: str, *, params: dict[str, str] | None = None,
              allow_service: bool = False, timeout: float | None = DEFAULT_TIMEOUT,
              max_rows: int | None = DEFAULT_MAX_ROWS) -> QueryResult:
    """Run inline SPARQL, a ``.rq`` file or a named query, and collect the result."""
    text, origin = read_query(query)
    result = execute(store, text, params=params, allow_service=allow_service, origin=origin,
                     timeout=timeout, max_rows=max_rows)
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        rows = tuple(tuple(solution[v] for v in variables) for solution in result)
        return QueryResult("select", variables, rows)
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(result))
    return QueryResult("graph", triples=tuple(result))


def _runs_in_child(store) -> bool:
    """A local Oxigraph store runs the query in a killable child; an endpoint is remote."""
    from . import store as store_module

    endpoint = getattr(store_module, "EndpointStore", None)
    if endpoint is not None and isinstance(store, endpoint):
        return False
    return hasattr(os, "fork")


class _TooManyRows(Exception):
    pass


class _LineCountingWriter:
    """A binary writer on a pipe that stops the serialiser after ``limit`` lines past the first
    ``header`` lines (TSV and N-Triples escape newlines inside terms: one line, one row)."""

    def __init__(self, fd: int, limit: int | None, header: int) -> None:
        self._file = os.fdopen(fd, "wb", buffering=1 << 16)
        self._limit = None if limit is None else limit + header
        self._lines = 0

    def write(self, data) -> int:
        data = bytes(data)
        self._lines += data.count(b"\n")
        if self._limit is not None and self._lines > self._limit:
            raise _TooManyRows()
        return self._file.write(data)

    def flush(self) -> None:
        self._file.flush()


def _child_main(store, query: str, substitutions, union: bool, data_fd: int, error_fd: int,
                max_rows: int | None, install_kernel_guard) -> None:
    """The forked child: evaluate, write the result to ``data_fd``; never returns."""
    code = 3
    try:
        if install_kernel_guard is not None:
            install_kernel_guard()
        result = store.query(query, substitutions=substitutions, union=union)
        if isinstance(result, ox.QueryBoolean):
            os.write(data_fd, b"B1" if bool(result) else b"B0")
        else:
            kind = b"S" if isinstance(result, ox.QuerySolutions) else b"T"
            os.write(data_fd, kind)
            writer = _LineCountingWriter(data_fd, max_rows, 1 if kind == b"S" else 0)
            if kind == b"S":
                result.serialize(writer, format=ox.QueryResultsFormat.TSV)
            else:
                ox.serialize((ox.Triple(t.subject, t.predicate, t.object) for t in result), writer,
                             format=ox.RdfFormat.N_TRIPLES)
            writer.flush()
        code = 0
    except BaseException as exc:  # everything goes back to the parent, as data
        if isinstance(exc, _TooManyRows):  # pyoxigraph lets the writer's exception through
            report = {"type": "TooManyRows", "message": ""}
        else:
            report = {"type": type(exc).__name__, "message": str(exc)}
        try:
            os.write(error_fd, json.dumps(report).encode("utf-8")[:60000])
        except OSError:
            pass
    finally:
        os._exit(code)


def _run_in_child(store, query: str, substitutions, *, union: bool, origin: str, timeout: float | None,
                  max_rows: int | None, network: bool):
    install_kernel_guard = None
    if not network:
        from .guards import prepare_kernel_guard

        install_kernel_guard = prepare_kernel_guard()
    data_r, data_w = os.pipe()
    error_r, error_w = os.pipe()
    with warnings.catch_warnings():  # Python 3.12+ warns of fork() in a threaded process
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage cannot see it
        os.close(data_r)
        os.close(error_r)
        _child_main(store, query, substitutions, union, data_w, error_w, max_rows, install_kernel_guard)
    os.close(data_w)
    os.close(error_w)
    deadline = None if timeout is None else time.monotonic() + timeout
    chunks: list[bytes] = []
    error = bytearray()
    status = None
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(data_r, selectors.EVENT_READ, chunks)
            selector.register(error_r, selectors.EVENT_READ, error)
            open_fds = 2
            while open_fds:
                wait = None if deadline is None else deadline - time.monotonic()
                if wait is not None and wait <= 0:
                    break
                for key, _ in selector.select(wait):
                    data = os.read(key.fd, 1 << 16)
                    if data:
                        key.data.append(data) if isinstance(key.data, list) else key.data.extend(data)
                    else:
                        selector.unregister(key.fd)
                        open_fds -= 1
            if open_fds:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                pid = 0
                raise QueryError(f"{origin}: the query took longer than the time limit of {timeout:g} s "
                                 "and was stopped; narrow it down (LIMIT, more specific patterns) or raise --timeout")
        _, status = os.waitpid(pid, 0)
        pid = 0
    finally:
        if pid:  # interrupted (Ctrl-C) or failed while waiting: the child must not outlive us
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(data_r)
        os.close(error_r)
    if error:
        report = json.loads(error.decode("utf-8", "replace"))
        if report["type"] == "TooManyRows":
            raise QueryError(f"{origin}: the result has more than {max_rows:,} rows; add a LIMIT, or raise --max-rows")
        raise _engine_error(report["type"], report["message"], origin)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit code {os.WEXITSTATUS(status)}")
        raise QueryError(f"{origin}: the query engine failed ({how}); the query may need more memory than there is")
    payload = b"".join(chunks)
    if payload[:1] == b"B":
        return ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if payload[1:2] == b"1" else b"false"),
                                      format=ox.QueryResultsFormat.JSON)
    if payload[:1] == b"S":
        return ox.parse_query_results(payload[1:], format=ox.QueryResultsFormat.TSV)
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(payload[1:], format=ox.RdfFormat.N_TRIPLES)]
