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
import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from . import paths
from .errors import GulagKgError, InputError
from .namespaces import PREFIXES
from .store import Store

TRIPLE_FORMATS = ("turtle", "nt", "jsonld")
QUAD_FORMATS = ("nquads", "trig")
FORMATS = TRIPLE_FORMATS + QUAD_FORMATS
EXTENSIONS = {"turtle": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "nquads": ".nq", "trig": ".trig"}


# --- canonical blank-node labels -------------------------------------------------------------


def _term_key(term) -> str:
    return "_:" if isinstance(term, ox.BlankNode) else str(term)


def canonical_blank_nodes(quads: list[ox.Quad]) -> dict[str, str]:
    """Map each blank node id to a label that depends only on the graph's structure.

    Colour refinement: a blank node's colour starts from the non-blank terms around it and is
    refined with its neighbours' colours until stable; ties left are broken one at a time
    (individualisation), refining again after each.
    """
    edges: dict[str, list[tuple[str, str, object]]] = defaultdict(list)
    for q in quads:
        g = _term_key(q.graph_name) if not isinstance(q.graph_name, ox.DefaultGraph) else ""
        if isinstance(q.subject, ox.BlankNode):
            edges[q.subject.value].append(("out", str(q.predicate) + g, q.object))
        if isinstance(q.object, ox.BlankNode):
            edges[q.object.value].append(("in", str(q.predicate) + g, q.subject))
    colour = {b: _digest("\n".join(sorted(f"{d} {p} {_term_key(o)}" for d, p, o in es)))
              for b, es in edges.items()}
    colour = _refine(colour, edges)
    # Individualise: while two blank nodes share a colour, give the first of them a colour of
    # its own and refine again. For automorphic nodes (the usual case: tied nodes are
    # interchangeable) the choice does not change the output.
    while len(set(colour.values())) < len(colour):
        counts: dict[str, int] = defaultdict(int)
        for c in colour.values():
            counts[c] += 1
        tied = min(c for c, n in counts.items() if n > 1)
        chosen = min(b for b in colour if colour[b] == tied)
        colour[chosen] = _digest(tied + "*")
        colour = _refine(colour, edges)
    return {b: "b" + c[:16] for b, c in colour.items()}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _refine(colour: dict[str, str], edges) -> dict[str, str]:
    """Refine colours with the neighbours' colours until the partition is stable."""
    for _ in range(len(colour) + 1):
        refined = {
            b: _digest(colour[b] + "\n" + "\n".join(sorted(
                f"{d} {p} {colour[o.value] if isinstance(o, ox.BlankNode) else _term_key(o)}" for d, p, o in es)))
            for b, es in edges.items()
        }
        stable = len(set(refined.values())) == len(set(colour.values()))
        colour = refined
        if stable:
            break
    return colour


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


def serialize_quads(quads: Iterable[ox.Quad], fmt: str) -> bytes:
    """Serialise quads in one of :data:`FORMATS`, byte-stable."""
    if fmt not in FORMATS:
        raise GulagKgError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    ordered = canonical_quads(quads, union=fmt in TRIPLE_FORMATS)
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


def export_store(store: Store, fmt: str) -> bytes:
    """The whole store serialised (see the module docstring for what each format carries)."""
    return serialize_quads(store.quads(), fmt)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory, fsync, rename:
    an interrupted or failed write never leaves a half-written or truncated file."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(str(path), f"directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
