"""Byte-stable serialisations of the whole graph.

The same graph always gives the same bytes: triples and quads are sorted, prefixes are fixed
(:data:`~gulag_kg.namespaces.PREFIXES`), and blank nodes get labels computed from their
surroundings (colour refinement), not from the order they were read in.

Triple formats (``turtle``, ``nt``, ``jsonld``) carry the union of all named graphs; quad formats
(``nquads``, ``trig``) keep the graphs apart. ``jsonld`` embeds the project's context
(``ontology/context.jsonld``), so it reads back with no network.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import stat
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from . import paths
from .errors import GulagKgError, InputError
from .prefixes import PREFIXES
from .store import Store

TRIPLE_FORMATS = ("turtle", "nt", "jsonld")
QUAD_FORMATS = ("nquads", "trig")
FORMATS = TRIPLE_FORMATS + QUAD_FORMATS
EXTENSIONS = {"turtle": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "nquads": ".nq", "trig": ".trig"}


# --- canonical blank-node labels -------------------------------------------------------------


def _term_key(term) -> str:
    return "_:" if isinstance(term, ox.BlankNode) else str(term)


class _OutOfBudget(Exception):
    pass


def canonical_blank_nodes(quads: list[ox.Quad]) -> dict[str, str]:
    """Map each blank node id to a label that depends only on the graph's structure.

    Colour refinement: a blank node's colour starts from the non-blank terms around it and is
    refined with its neighbours' colours until stable; ties left are broken one at a time
    (individualisation), refining again after each, within the tied node's connected part.
    Refinement first spreads outwards from the nodes already told apart (so a long RDF list
    costs linear time), and nodes told apart keep their colour.

    The work is bounded (linear in the graph's size, times a constant): a hostile graph of many
    large symmetric blank-node structures gets labels that are distinct and correct but may
    depend on the order the blank nodes were read in (its export is then not byte-stable).
    """
    edges: dict[str, list[tuple[str, str, object]]] = defaultdict(list)
    for q in quads:
        g = _term_key(q.graph_name) if not isinstance(q.graph_name, ox.DefaultGraph) else ""
        if isinstance(q.subject, ox.BlankNode):
            edges[q.subject.value].append(("out", str(q.predicate) + g, q.object))
        if isinstance(q.object, ox.BlankNode):
            edges[q.object.value].append(("in", str(q.predicate) + g, q.subject))
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

    def __init__(self, edges: dict[str, list[tuple[str, str, object]]]) -> None:
        self.edges = edges
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for b, es in edges.items():
            for _d, _p, o in es:
                if isinstance(o, ox.BlankNode):
                    self.neighbours[b].add(o.value)
        self.colour = {b: _digest("\n".join(sorted(f"{d} {p} {_term_key(o)}" for d, p, o in es)))
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
            f"{d} {p} {colour[o.value] if isinstance(o, ox.BlankNode) else _term_key(o)}"
            for d, p, o in self.edges[b])))

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


def _relabel(term, labels: dict[str, str]):

    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(labels[term.value])
    return term


def canonical_quads(quads: Iterable[ox.Quad], *, union: bool) -> list[ox.Quad]:
    """Quads with canonical blank nodes, sorted; with ``union`` all in the default graph, deduplicated."""
    quads = list(quads)
    if union:
        quads = list({ox.Quad(q.subject, q.predicate, q.object) for q in quads})
    labels = canonical_blank_nodes(quads)
    out = {ox.Quad(_relabel(q.subject, labels), q.predicate, _relabel(q.object, labels), q.graph_name) for q in quads}
    return sorted(out, key=lambda q: (str(q.graph_name) if not isinstance(q.graph_name, ox.DefaultGraph) else "",
                                     str(q.subject), str(q.predicate), str(q.object)))


# --- JSON-LD --------------------------------------------------------------------------------


def jsonld_context() -> dict:
    """The project's JSON-LD context (``ontology/context.jsonld``)."""
    return json.loads(paths.context_path().read_text(encoding="utf-8"))["@context"]


def _compact_iri(iri: str, prefixes: list[tuple[str, str]]) -> str:
    for prefix, ns in prefixes:
        if iri.startswith(ns):
            local = iri[len(ns):]
            if local and ":" not in local and not local.startswith("//"):
                return f"{prefix}:{local}"
    return iri


def _jsonld_bytes(quads: list[ox.Quad]) -> bytes:
    context = jsonld_context()
    prefixes = sorted(((k, v) for k, v in context.items() if isinstance(v, str) and not k.startswith("@")),
                      key=lambda kv: -len(kv[1]))
    nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))

    def node_id(term) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _compact_iri(term.value, prefixes)

    for q in quads:
        subject = node_id(q.subject)
        if q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" and isinstance(q.object, ox.NamedNode):
            nodes[subject]["@type"].append(node_id(q.object))
            continue
        obj = q.object
        if isinstance(obj, ox.Literal):
            value: dict = {"@value": obj.value}
            if obj.language:
                value["@language"] = obj.language
            elif obj.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                value["@type"] = _compact_iri(obj.datatype.value, prefixes)
        else:
            value = {"@id": node_id(obj)}
        nodes[subject][_compact_iri(q.predicate.value, prefixes)].append(value)
    graph = []
    for subject in sorted(nodes):
        entry: dict = {"@id": subject}
        for key in sorted(nodes[subject]):
            values = nodes[subject][key]
            entry[key] = sorted(values) if key == "@type" else sorted(values, key=lambda v: json.dumps(v, sort_keys=True))
        graph.append(entry)
    doc = {"@context": context, "@graph": graph}
    return (json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


# --- entry points ---------------------------------------------------------------------------

#: The parser format of each export format (for reading an export back).
RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise GulagKgError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def _serialize_canonical(ordered: list[ox.Quad], fmt: str) -> bytes:
    if fmt == "jsonld":
        return _jsonld_bytes(ordered)
    if fmt == "nt":
        return ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in ordered], format=ox.RdfFormat.N_TRIPLES)
    if fmt == "nquads":
        return ox.serialize(ordered, format=ox.RdfFormat.N_QUADS)
    if fmt == "turtle":
        return ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in ordered],
                            format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return ox.serialize(ordered, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)


def serialize_quads(quads: Iterable[ox.Quad], fmt: str) -> bytes:
    """Serialise quads in one of :data:`FORMATS`, byte-stable."""
    _check_format(fmt)
    return _serialize_canonical(canonical_quads(quads, union=fmt in TRIPLE_FORMATS), fmt)


def export_store(store: Store, fmt: str) -> bytes:
    """The whole store serialised (see the module docstring for what each format carries)."""
    return serialize_quads(store.quads(), fmt)


def reads_back_as(quads: Iterable[ox.Quad], fmt: str) -> Callable[[Path], None]:
    """A check for :func:`write_atomically`: the written file, parsed by our own loader, holds
    exactly ``quads`` (as canonical quads of ``fmt``: the union for triple formats), with the
    blank node labels written. Raises :class:`GulagKgError` saying what differs."""
    _check_format(fmt)
    expected = set(canonical_quads(quads, union=fmt in TRIPLE_FORMATS))
    return lambda tmp: _compare_read_back(tmp, fmt, expected)


def _compare_read_back(tmp: Path, fmt: str, expected: set[ox.Quad]) -> None:
    from .parsing import parse_bytes

    try:
        back = set(parse_bytes(tmp.read_bytes(), RDF_FORMATS[fmt], path=tmp, rename_blank_nodes=False))
    except InputError as exc:
        raise GulagKgError(f"the {fmt} export does not parse back ({exc.reason}); nothing was written") from None
    if back != expected:
        missing, extra = expected - back, back - expected
        example = next(iter(missing or extra))
        raise GulagKgError(f"the {fmt} export does not read back as the same graph ({len(missing)} quads lost, "
                           f"{len(extra)} changed or added, e.g. {'lost' if missing else 'added'}: {example}); "
                           "nothing was written")


def export_file(quads: Iterable[ox.Quad], fmt: str, path: Path | str) -> int:
    """Write ``quads`` to ``path`` in ``fmt`` atomically, after checking that the file written
    reads back as the same graph; returns the number of bytes. On any error the file at
    ``path`` is left as it was."""
    _check_format(fmt)
    ordered = canonical_quads(quads, union=fmt in TRIPLE_FORMATS)
    data = _serialize_canonical(ordered, fmt)
    expected = set(ordered)
    write_atomically(Path(path), data, check=lambda tmp: _compare_read_back(tmp, fmt, expected))
    return len(data)


def _file_mode(path: Path) -> int:
    """The mode a new file gets (0666 less the umask), or the mode of the file it replaces."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomically(path: Path, data: bytes, *, check: Callable[[Path], None] | None = None) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory, fsync, rename:
    an interrupted or failed write never leaves a half-written or truncated file, and never
    touches an existing one.

    ``check``, if given, is called with the temporary file (written and synced) before the
    rename; if it raises, nothing is replaced. The new file gets the mode of the file it
    replaces (or the usual 0666 less the umask). Errors are :class:`InputError` naming ``path``.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(str(path), f"directory {directory} does not exist")
    if path.is_dir():
        raise InputError(str(path), "is a directory; give a file name")
    mode = _file_mode(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(str(path), f"cannot write in {directory}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
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
        raise
    _sync_directory(directory)


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
