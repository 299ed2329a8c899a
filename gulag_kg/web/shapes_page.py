"""The shapes' page: every SHACL shape of ``shapes/`` with an anchor of its local name.

The shapes are hash IRIs (``…/shapes#ClaimShape-value``) and every validation report names
them (``sourceShape``), so ``shapes.html#ClaimShape-value`` is where a reader of a report finds
what the shape asks, its message and its definition. The definition is shown as written in its
file (comments included): the hand-edited Turtle is the most readable form of a shape, and
nested shapes stay nested there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import paths as project_paths
from ..entities import compact
from .urls import SHAPES_IRI, SHAPES_NS

_SH = "http://www.w3.org/ns/shacl#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_TARGETS = tuple(_SH + t for t in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"))
_SEVERITY = {_SH + "Violation": "violation", _SH + "Warning": "warning", _SH + "Info": "info"}


@dataclass(frozen=True)
class Shape:
    iri: str
    local: str
    label: str
    kind: str  # "node shape" or "property shape"
    file: str  # the shapes file that defines it (``claims.shacl.ttl``)
    targets: tuple[str, ...]  # what it applies to: "targetClass gk:Claim"
    path: str  # the property path of a property shape, prefixed, or "" (not an IRI: see the definition)
    severity: str  # "violation" (the default), "warning" or "info"
    messages: tuple[tuple[str, str], ...]  # (text, language)
    used_by: tuple[str, ...]  # local names of the shapes that reach it by sh:property or sh:node
    definition: str  # its Turtle, as written in the file


@dataclass(frozen=True)
class ShapesFile:
    name: str
    shapes: tuple[Shape, ...]


def shapes_quads(files: list[Path] | None = None) -> list[ox.Quad]:
    """Every statement of the shapes files, in the default graph."""
    quads: list[ox.Quad] = []
    for path in files if files is not None else project_paths.shapes_files():
        quads += [ox.Quad(t.subject, t.predicate, t.object) for t in
                  ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=SHAPES_IRI)]
    return quads


def _blocks(text: str) -> dict[str, str]:
    """The Turtle block that defines each ``gks:`` subject in a hand-edited file: from the line
    that starts with the subject to the blank line after it."""
    out: dict[str, str] = {}
    for block in re.split(r"\n[ \t]*\n", text):
        lines = block.strip("\n").splitlines()
        body = [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith(("#", "@prefix"))]
        if not body:
            continue
        m = re.match(r"gks:([\w.-]+)\s", lines[body[0]] + " ")
        if m:
            out[m.group(1)] = "\n".join(lines[body[0]:])
    return out


def shapes_files(files: list[Path] | None = None) -> list[ShapesFile]:
    """The shapes of each file, in file order, sorted by local name within a file."""
    files = files if files is not None else project_paths.shapes_files()
    quads = shapes_quads(files)
    by_subject: dict[str, dict[str, list]] = {}
    for q in quads:
        if isinstance(q.subject, ox.NamedNode):
            by_subject.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object)
    used_by: dict[str, set[str]] = {}
    for s, props in by_subject.items():
        for p in (_SH + "property", _SH + "node"):
            for o in props.get(p, ()):
                if isinstance(o, ox.NamedNode) and o.value.startswith(SHAPES_NS):
                    used_by.setdefault(o.value, set()).add(s[len(SHAPES_NS):])
    out = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        blocks = _blocks(text)
        defined = {t.subject.value for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=SHAPES_IRI)
                   if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(SHAPES_NS)}
        shapes = []
        for iri in sorted(defined, key=lambda i: i[len(SHAPES_NS):].casefold()):
            props = by_subject[iri]
            types = {o.value for o in props.get(_RDF_TYPE, ())}
            local = iri[len(SHAPES_NS):]
            if not types & {_SH + "NodeShape", _SH + "PropertyShape"} and _SH + "path" not in props:
                continue  # not a shape (a helper node, if any)
            kind = "property shape" if (_SH + "PropertyShape" in types or _SH + "path" in props) else "node shape"
            path_nodes = props.get(_SH + "path", [])
            shapes.append(Shape(
                iri=iri, local=local,
                label=next((o.value for o in props.get(_LABEL, ()) if isinstance(o, ox.Literal)), ""),
                kind=kind, file=path.name,
                targets=tuple(sorted(f"{t[len(_SH):]} {compact(o.value)}" for t in _TARGETS for o in props.get(t, ())
                                     if isinstance(o, ox.NamedNode))),
                path=compact(path_nodes[0].value) if path_nodes and isinstance(path_nodes[0], ox.NamedNode) else "",
                severity=next((_SEVERITY.get(o.value, compact(o.value)) for o in props.get(_SH + "severity", ())), "violation"),
                messages=tuple(sorted((o.value, o.language or "") for o in props.get(_SH + "message", ())
                                      if isinstance(o, ox.Literal))),
                used_by=tuple(sorted(used_by.get(iri, ()), key=str.casefold)),
                definition=blocks.get(local, ""),
            ))
        if shapes:
            out.append(ShapesFile(path.name, tuple(shapes)))
    return out
