"""Byte-stable serialisations of the whole graph.

The same graph always gives the same bytes, whatever store it comes from (in memory, on disk,
a SPARQL server) and in whatever order its quads come. The canonical form, from which every
format is written:

* blank nodes are relabelled by :func:`canonical_blank_nodes` (labels computed from their
  surroundings, not from the order they were read in); graph names are kept as they are;
* every quad becomes its *canonical line*: the line Oxigraph's N-Triples serialiser writes for
  its triple (``<s> <p> "o" .``); within each graph the lines are sorted bytewise and
  deduplicated;
* triple formats (``turtle``, ``nt``, ``jsonld``, ``rdfxml``) carry the union of all graphs: one sorted,
  deduplicated list of N-Triples lines (a triple in several graphs is written once);
* quad formats (``nquads``, ``trig``) keep the graphs apart: the default graph first, then the
  named graphs in the bytewise order of their N-Triples form, each graph's lines with the graph
  name added (N-Quads lines), so a TriG file has one block per graph.

``nt`` and ``nquads`` are these lines; ``turtle``, ``trig`` and ``rdfxml`` are Oxigraph's
serialisation of the same statements in the same order, with the fixed prefixes of
:data:`~gulag_kg.namespaces.PREFIXES` (RDF/XML refuses what it cannot hold:
:mod:`gulag_kg.rdfxml`); ``jsonld`` (:mod:`gulag_kg.jsonld`) has one node object per subject in
the same order, a claim with its evidence and quote inside it, and embeds the project's context
(``ontology/context.jsonld``), so it reads back with no network.

Exporting a store held by Oxigraph (:class:`~gulag_kg.store.Store`) is done mostly in Rust:
each graph is dumped as N-Triples, and Python only sorts the lines and relabels the blank nodes
of those that have one (no statement becomes a Python object, except on the way to Turtle,
TriG and RDF/XML). Any other source (a SPARQL server, query results, a list of quads) is serialised by
Oxigraph in batches of quads. Both give the same bytes. While it is sorted, the export is held in
memory as lines (one bytes object a statement; the statements that touch a blank node also in
the tables of the labelling), never as Python terms.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import os
import stat
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from . import jsonld, rdfxml
from .crashsafe import Terminated, hold, pause_point, remove_stale_temporaries, sigterm_interrupts
from .errors import GulagKgError, InputError
from .prefixes import PREFIXES
from .store import Store

TRIPLE_FORMATS = ("turtle", "nt", "jsonld", "rdfxml")
QUAD_FORMATS = ("nquads", "trig")
FORMATS = TRIPLE_FORMATS + QUAD_FORMATS
EXTENSIONS = {"turtle": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "rdfxml": ".rdf", "nquads": ".nq", "trig": ".trig"}

#: What can be exported: a store (the fast path when Oxigraph holds it) or any quads.
Source = Store | Iterable[ox.Quad]


# --- canonical blank-node labels -------------------------------------------------------------


class _OutOfBudget(Exception):
    pass


def canonical_blank_nodes(quads: Iterable[ox.Quad]) -> dict[str, str]:
    """Map each blank node id to a label that depends only on the graph's structure.

    Colour refinement: a blank node's colour starts from the non-blank terms around it and is
    refined with its neighbours' colours until stable; ties left are broken one at a time
    (individualisation), refining again after each, within the tied node's connected part.
    Refinement first spreads outwards from the nodes already told apart (so a long RDF list
    costs linear time), and nodes told apart keep their colour.

    The work is bounded (linear in the graph's size, times a constant): a hostile graph of many
    large symmetric blank-node structures gets labels that are distinct and correct but may
    depend on the order the blank nodes were read in (its export is then not byte-stable).

    Terms enter the colours in their N-Triples form, so the labels are computed from the
    statements' N-Triples lines (:func:`_blank_labels`), as the export has them.
    """
    by_graph: dict[object, list[ox.Triple]] = defaultdict(list)
    for q in quads:
        if _touches_blank_node(q):
            by_graph[q.graph_name].append(q.triple)
    return _blank_labels((_edge_graph(graph), ox.serialize(triples, format=_NT).decode().split("\n")[:-1])
                         for graph, triples in by_graph.items())


def _edge_graph(graph) -> str:
    """What a statement's graph adds to its predicate in the colours: nothing for the default
    graph, ``_:`` for a blank node, else the graph's N-Triples form."""
    if isinstance(graph, ox.DefaultGraph):
        return ""
    return "_:" if isinstance(graph, ox.BlankNode) else str(graph)


#: An edge of a blank node: direction ("out" from it or "in" to it), predicate (and graph),
#: the other end's N-Triples form (``_:`` for a blank node) and, if blank, its id.
_Edge = tuple[str, str, str, str | None]


def _blank_labels(graphs: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """The labels of :func:`canonical_blank_nodes`, from ``(graph, lines)`` pairs: the graph as
    :func:`_edge_graph` gives it and the N-Triples lines (no newline) of its statements that
    touch a blank node, with their labels as read."""
    edges: dict[str, list[_Edge]] = defaultdict(list)
    shared: dict[str, str] = {}  # one copy of each string: predicates and terms recur
    for g, lines in graphs:
        for line in lines:
            # A subject and a predicate hold no space: "S P O ." (O may be a literal with spaces).
            s, p, o = line[:-2].split(" ", 2)
            p = shared.setdefault(p + g, p + g)
            if s[:2] == "_:":
                s = shared.setdefault(s[2:], s[2:])
                if o[:2] == "_:":
                    o = shared.setdefault(o[2:], o[2:])
                    edges[s].append(("out", p, "_:", o))
                    edges[o].append(("in", p, "_:", s))
                else:
                    edges[s].append(("out", p, shared.setdefault(o, o), None))
            elif o[:2] == "_:":
                o = shared.setdefault(o[2:], o[2:])
                edges[o].append(("in", p, shared.setdefault(s, s), None))
    del shared
    if not edges:
        return {}
    state = _Colouring(edges)
    try:
        state.spread()
        state.refine(list(edges))
        state.individualise()
    except _OutOfBudget:
        state.break_ties_by_id()
    return {b: "b" + c[:16] for b, c in state.colour.items()}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class _Colouring:
    """Colours of blank nodes and their classes, refined within a budget of recomputations."""

    def __init__(self, edges: dict[str, list[_Edge]]) -> None:
        self.edges = edges
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for b, es in edges.items():
            for _d, _p, _o, n in es:
                if n is not None:
                    self.neighbours[b].add(n)
        self.colour = {b: _digest("\n".join(sorted(f"{d} {p} {o}" for d, p, o, _n in es)))
                       for b, es in edges.items()}
        self.members: dict[str, set[str]] = defaultdict(set)
        for b, c in self.colour.items():
            self.members[c].add(b)
        self.budget = 40 * sum(len(es) for es in edges.values()) + 100_000
        self.marks = 0

    def _signature(self, b: str) -> str:
        self.budget -= len(self.edges[b]) + 1
        if self.budget < 0:
            raise _OutOfBudget()
        colour = self.colour
        return _digest(colour[b] + "\n" + "\n".join(sorted(
            f"{d} {p} {o if n is None else colour[n]}" for d, p, o, n in self.edges[b])))

    def _set(self, updates: dict[str, str]) -> None:
        for b, c in updates.items():
            old = self.colour[b]
            self.members[old].discard(b)
            if not self.members[old]:
                del self.members[old]
            self.colour[b] = c
            self.members[c].add(b)

    def _single(self, b: str) -> bool:
        return len(self.members[self.colour[b]]) == 1

    def spread(self) -> None:
        """Recompute, wave by wave, the tied nodes next to nodes that are told apart."""
        frontier = {n for b in self.colour if self._single(b) for n in self.neighbours[b] if not self._single(n)}
        while frontier:
            self._set({b: self._signature(b) for b in sorted(frontier)})
            frontier = {n for b in frontier if self._single(b) for n in self.neighbours[b] if not self._single(n)}

    def refine(self, nodes) -> None:
        """Synchronous rounds over the tied ones among ``nodes`` until no class splits."""
        while True:
            tied = [b for b in nodes if not self._single(b)]
            if not tied:
                return
            before = len({self.colour[b] for b in tied})
            self._set({b: self._signature(b) for b in tied})
            if len({self.colour[b] for b in tied}) == before:
                return

    def _component(self, start: str) -> list[str]:
        seen, todo = {start}, [start]
        while todo:
            for n in self.neighbours[todo.pop()]:
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        return list(seen)

    def individualise(self) -> None:
        """While two nodes share a colour, give one a colour of its own and refine its part of
        the graph. For automorphic nodes (tied nodes are usually interchangeable) the choice
        does not change the output."""
        heap = [c for c, m in self.members.items() if len(m) > 1]
        heapq.heapify(heap)
        while heap:
            tied = heapq.heappop(heap)
            # Members only leave a class (new colours are new), so one sorted pass does.
            for chosen in sorted(self.members.get(tied, ())):
                if len(self.members.get(tied, ())) < 2:
                    break
                if chosen not in self.members[tied]:
                    continue
                self.marks += 1
                self._set({chosen: _digest(f"{tied}*{self.marks}")})
                component = self._component(chosen)
                self.refine(component)
                for c in {self.colour[b] for b in component}:
                    if len(self.members.get(c, ())) > 1:
                        heapq.heappush(heap, c)

    def break_ties_by_id(self) -> None:
        """Out of budget: number the members of each class in the order of their ids."""
        for c, members in list(self.members.items()):
            if len(members) > 1:
                self._set({b: _digest(f"{c}#{i}") for i, b in enumerate(sorted(members))})


# --- the canonical lines -----------------------------------------------------------------------

_NT = ox.RdfFormat.N_TRIPLES
_NQ = ox.RdfFormat.N_QUADS
#: Statements serialised, or lines joined, per call: bounds the temporary buffers.
_BATCH = 1 << 16


def _split(data: bytes) -> list[bytes]:
    """The lines of N-Triples or N-Quads bytes, without their newlines. Oxigraph escapes
    newlines inside literals, so each line is one statement."""
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _graph_key(graph) -> bytes:
    """Where a graph sorts: the default graph (empty) first, then named graphs by N-Triples form."""
    return b"" if isinstance(graph, ox.DefaultGraph) else str(graph).encode()


def _touches_blank_node(quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


class _LineWriter:
    """A binary file that hands each batch of complete lines written to it (no newlines) to
    ``consume``: Oxigraph's serialisers write into it, no copy of the whole text is made."""

    def __init__(self, consume: Callable[[list[bytes]], object]) -> None:
        self.consume = consume
        self.rest = b""

    def write(self, data: bytes) -> int:
        lines = (self.rest + data).split(b"\n")
        self.rest = lines.pop()
        if lines:
            self.consume(lines)
        return len(data)

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        """Hand over a last line written without a newline (Oxigraph ends every line with one)."""
        if self.rest:
            self.consume([self.rest])
            self.rest = b""


def _add_graph(lines: list[bytes], graph: bytes) -> None:
    """Make N-Triples lines N-Quads lines of ``graph`` (its N-Triples form), in place: the graph
    name goes before each line's final `` .`` (newlines occur only at line ends)."""
    for i in range(0, len(lines), _BATCH):
        chunk = b"\n".join(lines[i:i + _BATCH]) + b"\n"
        lines[i:i + _BATCH] = _split(chunk.replace(b" .\n", b" " + graph + b" .\n"))


def _relabelled(lines: Iterable[str], labels: dict[str, str]) -> Iterator[bytes]:
    """N-Triples lines with their blank nodes (subject, object) relabelled."""
    for line in lines:
        s, p, o = line[:-2].split(" ", 2)
        if s[:2] == "_:":
            s = "_:" + labels[s[2:]]
        if o[:2] == "_:":
            o = "_:" + labels[o[2:]]
        yield f"{s} {p} {o} .".encode()


class _Lines:
    """The canonical lines of a dataset, collected graph by graph (one graph with ``union``).

    Statements arrive as N-Triples lines, each graph's under its key (:func:`_graph_key`);
    those that touch a blank node are kept apart, relabelled by :meth:`result` (unless
    ``relabel`` is false: to compare a file with what was written to it, the labels written
    are kept).
    """

    def __init__(self, *, union: bool, relabel: bool) -> None:
        self.union = union
        self.relabel = relabel
        self.plain: dict[bytes, list[bytes]] = defaultdict(list)
        self.blank: dict[bytes, set[str]] = defaultdict(set)
        self.edge_graph: dict[bytes, str] = {b"": ""}

    def key(self, graph) -> bytes:
        """The key the lines of ``graph`` go under."""
        if self.union:
            return b""
        key = _graph_key(graph)
        self.edge_graph.setdefault(key, _edge_graph(graph))
        return key

    def add(self, key: bytes, lines: list[bytes], *, blank: bool = False) -> None:
        """Add lines (N-Triples, no newline); ``blank`` when each touches a blank node."""
        if blank:
            self.blank[key].update(line.decode() for line in lines)
        else:
            self.plain[key].extend(lines)

    def result(self) -> list[bytes]:
        """Every graph's lines sorted and deduplicated, graph after graph (see the module docstring)."""
        blank, self.blank = self.blank, defaultdict(set)
        labels = _blank_labels((self.edge_graph[key], lines) for key, lines in blank.items()) if self.relabel else {}
        while blank:
            key, lines = blank.popitem()
            self.plain[key].extend(_relabelled(lines, labels) if labels else (line.encode() for line in lines))
            del lines
        out: list[bytes] = []
        for key in sorted(self.plain):
            lines = sorted(set(self.plain.pop(key)))
            if key:
                _add_graph(lines, key)
            out.extend(lines)
        return out


def _quad_lines(quads: Iterable[ox.Quad], *, union: bool, relabel: bool = True) -> list[bytes]:
    """The canonical lines of any quads (the generic path): serialised in batches, graph by graph."""
    lines = _Lines(union=union, relabel=relabel)
    pending: dict[tuple[bytes, bool], list[ox.Triple]] = defaultdict(list)
    keys: dict[object, bytes] = {}
    for q in quads:
        graph = q.graph_name
        key = keys.get(graph)
        if key is None:
            key = keys[graph] = lines.key(graph)
        blank = _touches_blank_node(q)
        batch = pending[key, blank]
        batch.append(q.triple)
        if len(batch) >= _BATCH:
            lines.add(key, _split(ox.serialize(batch, format=_NT)), blank=blank)
            batch.clear()
    for (key, blank), batch in pending.items():
        lines.add(key, _split(ox.serialize(batch, format=_NT)), blank=blank)
    return lines.result()


def _store_lines(store: ox.Store, *, union: bool) -> list[bytes]:
    """The canonical lines of an Oxigraph store (the fast path): each graph dumped as N-Triples
    by Oxigraph; the lines with a blank node (found without parsing: it starts the line, or
    ends it before `` .``) are relabelled, the others are kept as they are."""
    lines = _Lines(union=union, relabel=True)
    for graph in [ox.DefaultGraph(), *store.named_graphs()]:
        key = lines.key(graph)

        def sort_out(batch: list[bytes], key: bytes = key) -> None:
            plain, blank = [], []
            for line in batch:
                if b"_:" in line:
                    s, _p, o = line[:-2].split(b" ", 2)
                    if s[:2] == b"_:" or o[:2] == b"_:":  # else "_:" is in a literal or an IRI
                        blank.append(line)
                        continue
                plain.append(line)
            lines.add(key, plain)
            if blank:
                lines.add(key, blank, blank=True)

        writer = _LineWriter(sort_out)
        store.dump(writer, format=_NT, from_graph=graph)
        writer.finish()
    return lines.result()


def _canonical_lines(source: Source, *, union: bool) -> list[bytes]:
    """The canonical lines of ``source`` (a store or any quads): N-Triples lines of the union
    with ``union``, else N-Quads lines graph after graph."""
    if isinstance(source, Store):
        held = getattr(source, "_ox", None)  # an EndpointStore has none
        if isinstance(held, ox.Store):
            return _store_lines(held, union=union)
        source = source.quads()
    return _quad_lines(source, union=union)


def canonical_quads(quads: Source, *, union: bool) -> list[ox.Quad]:
    """Quads with canonical blank nodes, in canonical order (see the module docstring); with
    ``union`` all in the default graph, deduplicated."""
    lines = _canonical_lines(quads, union=union)
    return list(ox.parse(b"".join(_chunks(lines)), format=_NT if union else _NQ, rename_blank_nodes=False))


# --- writing the formats -------------------------------------------------------------------------


def _chunks(lines: list[bytes]) -> Iterator[bytes]:
    """The lines as text, a batch of lines at a time."""
    for i in range(0, len(lines), _BATCH):
        yield b"\n".join(lines[i:i + _BATCH]) + b"\n"


class _LinesReader(io.RawIOBase):
    """The lines as a binary stream, for the parser (no copy of the whole text)."""

    def __init__(self, lines: list[bytes]) -> None:
        self._chunks = _chunks(lines)
        self._chunk = b""
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._pos >= len(self._chunk):
            self._chunk, self._pos = next(self._chunks, b""), 0
            if not self._chunk:
                return 0
        n = min(len(buffer), len(self._chunk) - self._pos)
        buffer[:n] = self._chunk[self._pos:self._pos + n]
        self._pos += n
        return n


def _statements(lines: list[bytes], fmt: ox.RdfFormat) -> Iterator[ox.Quad]:
    """The lines parsed back, in order, blank node labels kept (they are ours, hence lenient)."""
    return ox.parse(io.BufferedReader(_LinesReader(lines), _BATCH), format=fmt, rename_blank_nodes=False, lenient=True)


def jsonld_context() -> dict:
    """The project's JSON-LD context (``ontology/context.jsonld``)."""
    return jsonld.context()


#: The parser format of each export format (for reading an export back).
RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "rdfxml": ox.RdfFormat.RDF_XML, "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise GulagKgError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def _write_canonical(lines: list[bytes], fmt: str, out: BinaryIO) -> None:
    """Write the canonical lines (of the union for a triple format) to ``out`` in ``fmt``."""
    if fmt in ("nt", "nquads"):
        for chunk in _chunks(lines):
            out.write(chunk)
    elif fmt == "jsonld":
        jsonld.write(lines, out)
    elif fmt == "rdfxml":
        rdfxml.write(lines, _statements(lines, _NT), out)
    else:
        ox.serialize(_statements(lines, _NT if fmt == "turtle" else _NQ), out, RDF_FORMATS[fmt], prefixes=PREFIXES)


# --- entry points ---------------------------------------------------------------------------


def _export(source: Source, fmt: str, output: Path | str | BinaryIO | None) -> bytes | None:
    _check_format(fmt)
    lines = _canonical_lines(source, union=fmt in TRIPLE_FORMATS)
    if output is None:
        buffer = io.BytesIO()
        _write_canonical(lines, fmt, buffer)
        return buffer.getvalue()
    if isinstance(output, (str, os.PathLike)):
        write_atomically(Path(output), lambda fh: _write_canonical(lines, fmt, fh))
    else:
        _write_canonical(lines, fmt, output)
    return None


def serialize_quads(quads: Source, fmt: str) -> bytes:
    """Serialise quads (or a store) in one of :data:`FORMATS`, byte-stable."""
    return _export(quads, fmt, None)


def export_store(store: Store, fmt: str, output: Path | str | BinaryIO | None = None) -> bytes | None:
    """The whole store serialised (see the module docstring for what each format carries).

    Returns the bytes, or with ``output`` (a path, written atomically, or a binary file object)
    writes them there as they are made and returns None. :func:`export_file` also checks
    that the file reads back as the same graph.
    """
    return _export(store, fmt, output)


def _parse_error_reason(exc: Exception) -> str:
    reason = str(exc)
    # Oxigraph says "Parser error at line 4 column 1: Unexpected end (line 4)"; keep the why.
    if reason.startswith("Parser error") and ": " in reason:
        reason = reason.split(": ", 1)[1].rsplit(" (line", 1)[0]
    return reason


class _InOrder:
    """Compares batches of lines, as they come, with the expected lines from the start."""

    def __init__(self, expected: list[bytes]) -> None:
        self.expected = expected
        self.seen = 0
        self.same = True

    def __call__(self, batch: list[bytes]) -> None:
        if self.same:
            self.same = batch == self.expected[self.seen:self.seen + len(batch)]
            self.seen += len(batch)

    def complete(self) -> bool:
        return self.same and self.seen == len(self.expected)


def _read_back(tmp: Path, fmt: str) -> list[bytes]:
    """The canonical lines of a file written, blank node labels as written."""
    statements = ox.parse(path=tmp, format=RDF_FORMATS[fmt], rename_blank_nodes=False)
    if fmt in QUAD_FORMATS:
        return _quad_lines(statements, union=False, relabel=False)
    lines: list[bytes] = []
    writer = _LineWriter(lines.extend)
    ox.serialize(statements, writer, _NQ)  # triples: N-Triples lines
    writer.finish()
    return sorted(set(lines))


def _compare_read_back(tmp: Path, fmt: str, expected: list[bytes]) -> None:
    """Parse the file written (strictly, blank node labels kept) and compare its statements
    with the canonical lines it was written from. Every format but JSON-LD keeps the order of
    the lines, so the statements are first compared as they are parsed (nothing is kept); only
    when that fails, or for JSON-LD, are the file's canonical lines made and compared."""
    try:
        if fmt == "rdfxml":
            rdfxml.check_well_formed(tmp)  # as an XML parser reads it, not only Oxigraph
        if fmt != "jsonld":
            in_order = _InOrder(expected)
            writer = _LineWriter(in_order)
            ox.serialize(ox.parse(path=tmp, format=RDF_FORMATS[fmt], rename_blank_nodes=False), writer, _NQ)
            writer.finish()
            if in_order.complete():
                return
        back = _read_back(tmp, fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        raise GulagKgError(f"the {fmt} export does not parse back ({_parse_error_reason(exc)}); "
                           "nothing was written") from None
    if back != expected:
        have, want = set(back), set(expected)
        missing, extra = want - have, have - want
        example = min(missing or extra).decode()
        raise GulagKgError(f"the {fmt} export does not read back as the same graph ({len(missing)} quads lost, "
                           f"{len(extra)} changed or added, e.g. {'lost' if missing else 'added'}: {example}); "
                           "nothing was written")


def reads_back_as(quads: Source, fmt: str) -> Callable[[Path], None]:
    """A check for :func:`write_atomically`: the written file, parsed strictly, holds exactly
    ``quads`` (as canonical quads of ``fmt``: the union for triple formats), with the blank node
    labels written. Raises :class:`GulagKgError` saying what differs."""
    _check_format(fmt)
    expected = _canonical_lines(quads, union=fmt in TRIPLE_FORMATS)
    return lambda tmp: _compare_read_back(tmp, fmt, expected)


def export_file(source: Source, fmt: str, path: Path | str) -> int:
    """Write ``source`` (a store or any quads) to ``path`` in ``fmt`` atomically, after checking
    that the file written reads back as the same graph; returns the number of bytes. On any
    error the file at ``path`` is left as it was."""
    _check_format(fmt)
    lines = _canonical_lines(source, union=fmt in TRIPLE_FORMATS)
    return write_atomically(Path(path), lambda fh: _write_canonical(lines, fmt, fh),
                            check=lambda tmp: _compare_read_back(tmp, fmt, lines))


def _file_mode(path: Path) -> int:
    """The mode a new file gets (0666 less the umask), or the mode of the file it replaces."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomically(path: Path, data: bytes | Callable[[BinaryIO], object], *,
                     check: Callable[[Path], None] | None = None) -> int:
    """Write ``data`` to ``path`` via a temporary file in the same directory, fsync, rename:
    an interrupted or failed write never leaves a half-written or truncated file, and never
    touches an existing one. ``data`` is bytes, or a function that writes to the binary file
    it is given (to write as it goes). Returns the number of bytes written.

    ``check``, if given, is called with the temporary file (written and synced) before the
    rename; if it raises, nothing is replaced. The new file gets the mode of the file it
    replaces (or the usual 0666 less the umask). Errors are :class:`InputError` naming ``path``.

    SIGTERM removes the temporary file too (then :class:`GulagKgError` says ``path`` was not
    written); one left by ``kill -9`` is removed by the next write to ``path`` when no process
    holds it (:func:`~gulag_kg.crashsafe.remove_stale_temporaries`, said on stderr).
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(str(path), f"directory {directory} does not exist")
    if path.is_dir():
        raise InputError(str(path), "is a directory; give a file name")
    mode = _file_mode(path)
    remove_stale_temporaries(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(str(path), f"cannot write in {directory}: {exc.strerror or exc}") from None
    in_use = os.dup(fd)  # held until the end: the temporary file is not a leftover
    with sigterm_interrupts():
        try:
            hold(in_use)
            with os.fdopen(fd, "wb") as fh:
                if callable(data):
                    data(fh)
                else:
                    fh.write(data)
                fh.flush()
                size = fh.tell()
                os.fsync(fh.fileno())
                pause_point("writing")
            os.chmod(tmp, mode)
            if check is not None:
                check(Path(tmp))
            os.replace(tmp, path)
        except BaseException as exc:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            if isinstance(exc, OSError):
                raise InputError(str(path), f"cannot write: {exc.strerror or exc}") from None
            if isinstance(exc, Terminated):
                raise GulagKgError(f"stopped by SIGTERM: {path} was not written") from None
            raise
        finally:
            os.close(in_use)
    _sync_directory(directory)
    return size


def _sync_directory(directory: Path) -> None:
    """Make the rename durable (best effort: not every system can open a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
