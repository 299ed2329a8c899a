"""SHACL validation compiled to SPARQL and run inside Oxigraph, for graphs too large for pySHACL.

:func:`validate_store_sparql` gives the same :class:`~gulag_kg.validation.ValidationReport` as
:func:`gulag_kg.validation.validate_store` (pySHACL) for the SHACL Core subset our shapes use, but
never copies the data into rdflib: the shapes are compiled, one constraint at a time, into SPARQL
queries that return the violating (focus node, value) pairs, and those run in the store.

What "the same" means, and how it is kept:

* The SHACL specification's semantics, as pySHACL implements them when warnings are not
  "allowed" (:func:`gulag_kg.validation.validate_graph`): a shape of any severity fails
  ``sh:or``/``sh:node`` when it has a result, and a value that fails an ``sh:node`` shape is one
  result of the shape that points to it (pySHACL's nested results under ``sh:detail`` are not
  read as results). Where pySHACL departs from the specification, its reading is kept
  (``sh:languageIn`` compares the primary subtag only); tests/test_shacl_engines.py compares
  both with rudof and rdf-validate-shacl.
* Where pySHACL's answer depends on Python (rdflib's idea of an ill-typed literal, rdflib's
  ordering of literals, Python's ``re``), SPARQL settles the cases where Oxigraph and Python
  provably agree (a canonical ``xsd:decimal`` compared with an integer bound, a printable-ASCII
  string matched by a regex that means the same in both dialects) and the remaining values, few
  in real data, are decided in Python exactly as pySHACL decides them, before the queries run.
* A shapes graph using anything outside the supported subset raises
  :class:`UnsupportedShapesError` naming the shape and the term, so that falling back to pySHACL
  is an explicit choice and never a silent pass.

Supported: targets (``sh:targetClass`` with ``rdfs:subClassOf*`` in the data, implicit class
targets, ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``); paths (IRI,
sequence, inverse, alternative, zero-or-more, one-or-more, zero-or-one); ``sh:property``,
``sh:node``, ``sh:or``, ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount``/``MaxCount``,
``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:pattern``
(with ``sh:flags``), ``sh:in``, ``sh:hasValue``, ``sh:languageIn``, ``sh:uniqueLang``,
``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive``, ``sh:maxExclusive``,
``sh:minLength``, ``sh:maxLength``, ``sh:lessThanOrEquals``, ``sh:severity``, ``sh:message``,
``sh:deactivated``.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.namespace import SH

from .convert import to_oxigraph_term, to_rdflib_term
from .errors import GulagKgError
from .store import EndpointStore, Store
from .validation import Severity, ValidationReport, ValidationResult

__all__ = ["UnsupportedShapesError", "CompiledShapes", "compile_shapes", "validate_store_sparql"]


class UnsupportedShapesError(GulagKgError):
    """The shapes use something the SPARQL engine does not compile (or that pySHACL would
    reject); validate with pySHACL instead. ``str()`` names the shape and the term."""


# --- small SPARQL helpers -------------------------------------------------------------------

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_X = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING, _XSD_DATE, _XSD_BOOLEAN = f"<{_X}string>", f"<{_X}date>", f"<{_X}boolean>"
_XSD_INTEGER, _XSD_DECIMAL, _XSD_DOUBLE, _XSD_FLOAT = (f"<{_X}integer>", f"<{_X}decimal>", f"<{_X}double>", f"<{_X}float>")
_RDF_LANGSTRING = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>"
#: A plain xsd:date lexical form that Python's ``date`` and Oxigraph read alike (year 0001-9999).
_DATE_RE = "^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-[0-9]{2}-[0-9]{2}$"
#: Values whose string has a character outside printable ASCII go to Python for sh:pattern.
_NOT_PRINTABLE_ASCII = '"[^ -~]"'


def _string(text: str) -> str:
    """A SPARQL string literal."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{out}"'


def _term(node) -> str:
    """SPARQL syntax for an rdflib or Oxigraph IRI or literal (never a blank node)."""
    if isinstance(node, (URIRef, Literal)):
        if isinstance(node, Literal) and node.language:
            node = Literal(str(node), lang=node.language.lower())
        node = to_oxigraph_term(node)
    if isinstance(node, (ox.NamedNode, ox.Literal)):
        return str(node)
    raise TypeError(f"no SPARQL constant for {node!r}")


def _or(parts: Iterable[str]) -> str:
    parts = [p for p in parts if p != "false"]
    if any(p == "true" for p in parts):
        return "true"
    if not parts:
        return "false"
    return parts[0] if len(parts) == 1 else " || ".join(f"({p})" for p in parts)


def _not(expr: str) -> str:
    return {"true": "false", "false": "true"}.get(expr, f"!({expr})")


def _coalesce(expr: str) -> str:
    """An expression that is false where ``expr`` is false or an error."""
    return f"COALESCE(({expr}), false)"


def _in_set(var: str, terms: Iterable[str]) -> str:
    """``var`` is one of ``terms`` (term identity, as a join with VALUES)."""
    terms = list(terms)
    if not terms:
        return "false"
    return f"EXISTS {{ VALUES {var} {{ {' '.join(terms)} }} }}"


class _Vars:
    def __init__(self) -> None:
        self._n = itertools.count(1)

    def __call__(self, stem: str = "v") -> str:
        return f"?{stem}{next(self._n)}"


# --- the compiled form ----------------------------------------------------------------------


@dataclass
class _Constraint:
    """One check of one shape.

    ``kind`` says how the check is expressed: ``value`` (a boolean expression over one value
    node, ``expr(var)`` true when it violates), ``focus`` (an expression over the focus node, no
    value reported), ``pair`` (sh:lessThanOrEquals).
    """

    component: str
    kind: str
    param: object = None
    #: For checks partly decided in Python: the candidate filter and the Python verdict.
    candidates: str | None = None
    python_violates: Callable[[rdflib.term.Node], bool] | None = None
    key: int = 0


@dataclass
class _Shape:
    node: object
    path: object = None  # rdflib path node, or None for a node shape
    sparql_path: str | None = None
    severity: Severity = Severity.VIOLATION
    message: str | None = None
    deactivated: bool = False
    targets: list[tuple[str, object]] = field(default_factory=list)
    constraints: list[_Constraint] = field(default_factory=list)
    properties: list[object] = field(default_factory=list)


# Terms of the SH namespace that change nothing about validation results.
_INERT = {SH.name, SH.description, SH.order, SH.group, SH.defaultValue, SH.declare, SH.prefixes, SH.flags,
          SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.ignoredProperties}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
_COMPONENTS = {SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["in"], SH.hasValue,
               SH.languageIn, SH.uniqueLang, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
               SH.minLength, SH.maxLength, SH.lessThanOrEquals, SH.qualifiedValueShape, SH.node, SH["or"],
               SH.property, SH.closed}
_KNOWN = _INERT | _TARGETS | _COMPONENTS | {SH.path, SH.severity, SH.message, SH.deactivated}
_SEVERITIES = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}


class CompiledShapes:
    """A shapes graph compiled for :func:`validate_store_sparql`; independent of any data.

    Build it with :func:`compile_shapes` (it raises :class:`UnsupportedShapesError` at once for a
    shapes graph it cannot handle) and reuse it for many stores.
    """

    def __init__(self, graph: rdflib.Graph) -> None:
        self.graph = graph
        self._shapes: dict[object, _Shape] = {}
        self._keys = itertools.count()
        for component in graph.subjects(RDF.type, SH.ConstraintComponent):
            raise UnsupportedShapesError(f"the shapes graph defines a custom constraint component {component} (SHACL-SPARQL); validate with pySHACL")
        self.roots = [self._shape(node) for node in self._root_nodes()]
        self._check_acyclic()
        # Which shapes produce results, and under which parents (sh:property only: a shape used
        # through sh:node, sh:or or a qualified value shape is only checked for conformance,
        # its failure being one result of the shape that uses it); and under which parents any
        # shape is evaluated.
        self.report_parents: dict[object, list[_Shape]] = {}
        self.eval_parents: dict[object, list[_Shape]] = {}
        reporting: dict[object, _Shape] = {}
        todo = [s for s in self.roots if not s.deactivated]
        while todo:
            shape = todo.pop()
            if shape.node in reporting:
                continue
            reporting[shape.node] = shape
            for child in self._report_children(shape):
                self.report_parents.setdefault(child.node, []).append(shape)
                if not child.deactivated:
                    todo.append(child)
        self.reporting = list(reporting.values())
        for shape in self._shapes.values():
            for child in self._eval_children(shape):
                self.eval_parents.setdefault(child.node, []).append(shape)
        for shape in self.reporting:
            if shape.message is None:
                for c in shape.constraints:
                    self._generic_message(shape, c)  # raises early for messages that need the data

    # -- reading the shapes graph ----------------------------------------------------------

    def _root_nodes(self) -> list:
        g = self.graph
        shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
        for p in _TARGETS | {SH.property, SH.node}:
            shapes |= set(g.subjects(p, None))
        roots = []
        class_types = set(g.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class}
        for node in shapes:
            implicit = any(t in class_types for t in g.objects(node, RDF.type))
            if implicit or any(g.value(node, p) is not None for p in _TARGETS):
                roots.append(node)
        return sorted(roots, key=str)

    def _one(self, node, predicate, *, what: str):
        values = list(self.graph.objects(node, predicate))
        if len(values) > 1:
            raise UnsupportedShapesError(f"shape {self._name(node)} has more than one {what}")
        return values[0] if values else None

    def _name(self, node) -> str:
        if isinstance(node, URIRef):
            return str(node)
        nm = self.graph.namespace_manager
        parts = sorted(f"{p.n3(nm)} {o.n3(nm)}" for p, o in self.graph.predicate_objects(node) if p != SH.message)
        return "[ " + " ; ".join(parts) + " ]"

    def _list(self, node, owner, what: str) -> list:
        try:
            items = list(self.graph.items(node))
        except Exception:  # a broken RDF list
            items = []
        if not items and node != RDF.nil:
            raise UnsupportedShapesError(f"the value of {what} on shape {self._name(owner)} is not an RDF list")
        return items

    def _shape(self, node) -> _Shape:
        if node in self._shapes:
            return self._shapes[node]
        g = self.graph
        shape = _Shape(node)
        self._shapes[node] = shape
        for p in set(g.predicates(node, None)):
            if p.startswith(str(SH)) and p not in _KNOWN:
                raise UnsupportedShapesError(
                    f"shape {self._name(node)} uses {g.qname(p)}, which the SPARQL engine does not compile; validate with pySHACL")
        path = self._one(node, SH.path, what="sh:path")
        if path is not None:
            shape.path = path
            shape.sparql_path = self._sparql_path(path, node)
        elif (node, RDF.type, SH.PropertyShape) in g:
            raise UnsupportedShapesError(f"property shape {self._name(node)} has no sh:path")
        deactivated = self._one(node, SH.deactivated, what="sh:deactivated")
        shape.deactivated = bool(deactivated.value) if isinstance(deactivated, Literal) else False
        severity = self._one(node, SH.severity, what="sh:severity")
        if severity is not None:
            if severity not in _SEVERITIES:
                raise UnsupportedShapesError(f"shape {self._name(node)} has severity {severity}; only sh:Violation, sh:Warning and sh:Info are supported")
            shape.severity = _SEVERITIES[severity]
        messages = sorted(g.objects(node, SH.message), key=lambda m: (getattr(m, "language", None) != "en", str(m)))
        # pySHACL reports every sh:message and the report keeps an arbitrary one; we keep the
        # English one (or the first) so that the choice is stable.
        shape.message = str(messages[0]) if messages else None
        shape.targets = self._targets(node)
        if shape.deactivated:
            return shape
        self._constraints(shape)
        return shape

    def _targets(self, node) -> list[tuple[str, object]]:
        g = self.graph
        out = []
        class_types = set(g.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class}
        classes = list(g.objects(node, SH.targetClass))
        if any(t in class_types for t in g.objects(node, RDF.type)):
            classes.append(node)
        for cls in classes:
            if not isinstance(cls, URIRef):
                raise UnsupportedShapesError(f"shape {self._name(node)} has a target class that is not an IRI")
            out.append(("class", cls))
        for target in g.objects(node, SH.targetNode):
            if isinstance(target, BNode):
                raise UnsupportedShapesError(f"shape {self._name(node)} targets a blank node")
            out.append(("node", target))
        for kind, p in (("subjectsOf", SH.targetSubjectsOf), ("objectsOf", SH.targetObjectsOf)):
            for prop in g.objects(node, p):
                if not isinstance(prop, URIRef):
                    raise UnsupportedShapesError(f"shape {self._name(node)} has a {g.qname(p)} that is not an IRI")
                out.append((kind, prop))
        return out

    def _sparql_path(self, path, owner) -> str:
        g = self.graph
        if isinstance(path, URIRef):
            return _term(path)
        if isinstance(path, Literal):
            raise UnsupportedShapesError(f"shape {self._name(owner)} has a literal as sh:path")
        if g.value(path, RDF.first) is not None:
            steps = self._list(path, owner, "sh:path")
            if len(steps) < 2:
                raise UnsupportedShapesError(f"shape {self._name(owner)} has a sequence path of fewer than two steps")
            return "(" + " / ".join(self._sparql_path(s, owner) for s in steps) + ")"
        kinds = {SH.inversePath: "^{}", SH.zeroOrMorePath: "{}*", SH.oneOrMorePath: "{}+", SH.zeroOrOnePath: "{}?"}
        preds = set(g.predicates(path, None))
        for p, pattern in kinds.items():
            if preds == {p}:
                return "(" + pattern.format(self._sparql_path(g.value(path, p), owner)) + ")"
        if preds == {SH.alternativePath}:
            alternatives = self._list(g.value(path, SH.alternativePath), owner, "sh:alternativePath")
            return "(" + " | ".join(self._sparql_path(a, owner) for a in alternatives) + ")"
        raise UnsupportedShapesError(f"shape {self._name(owner)} has a property path the SPARQL engine does not compile")

    def _add(self, shape: _Shape, constraint: _Constraint) -> None:
        constraint.key = next(self._keys)
        shape.constraints.append(constraint)

    def _integer(self, shape, predicate, what) -> int | None:
        value = self._one(shape.node, predicate, what=what)
        if value is None:
            return None
        if not (isinstance(value, Literal) and isinstance(value.value, int) and not isinstance(value.value, bool)) or value.value < 0:
            raise UnsupportedShapesError(f"{what} of shape {self._name(shape.node)} must be a non-negative integer")
        return int(value.value)

    def _property_only(self, shape, what):
        if shape.path is None:
            raise UnsupportedShapesError(f"{what} on node shape {self._name(shape.node)}: pySHACL accepts it only on property shapes")

    def _constraints(self, shape: _Shape) -> None:  # noqa: C901 (one branch per component)
        g, node = self.graph, shape.node
        for predicate, component in ((SH.minCount, "minCount"), (SH.maxCount, "maxCount")):
            n = self._integer(shape, predicate, f"sh:{component}")
            if n is not None:
                self._property_only(shape, f"sh:{component}")
                if not (component == "minCount" and n == 0):
                    self._add(shape, _Constraint(component, "focus", n))
        for cls in sorted(g.objects(node, SH["class"]), key=str):
            if not isinstance(cls, URIRef):
                raise UnsupportedShapesError(f"sh:class of shape {self._name(node)} is not an IRI")
            self._add(shape, _Constraint("class", "value", cls))
        datatype = self._one(node, SH.datatype, what="sh:datatype")
        if datatype is not None:
            self._add(shape, self._datatype(datatype))
        kind = self._one(node, SH.nodeKind, what="sh:nodeKind")
        if kind is not None:
            if kind not in _NODE_KINDS:
                raise UnsupportedShapesError(f"shape {self._name(node)} has an unknown sh:nodeKind {kind}")
            self._add(shape, _Constraint("nodeKind", "value", kind))
        flags = self._one(node, SH.flags, what="sh:flags")
        for pattern in sorted(g.objects(node, SH.pattern), key=str):
            self._add(shape, self._pattern(shape, pattern, flags))
        for lst in g.objects(node, SH["in"]):
            self._add(shape, _Constraint("in", "value", self._list(lst, node, "sh:in")))
        for value in sorted(g.objects(node, SH.hasValue), key=str):
            if isinstance(value, BNode):
                raise UnsupportedShapesError(f"sh:hasValue of shape {self._name(node)} is a blank node")
            self._add(shape, _Constraint("hasValue", "focus", value))
        language_in = self._one(node, SH.languageIn, what="sh:languageIn")
        if language_in is not None:
            tags = self._list(language_in, node, "sh:languageIn")
            if not all(isinstance(t, Literal) and isinstance(t.value, str) for t in tags):
                raise UnsupportedShapesError(f"sh:languageIn of shape {self._name(node)} must list strings")
            self._add(shape, _Constraint("languageIn", "value", sorted({str(t).lower() for t in tags})))
        unique = self._one(node, SH.uniqueLang, what="sh:uniqueLang")
        if unique is not None:
            self._property_only(shape, "sh:uniqueLang")
            if not (isinstance(unique, Literal) and isinstance(unique.value, bool)):
                raise UnsupportedShapesError(f"sh:uniqueLang of shape {self._name(node)} must be a boolean")
            if unique.value:
                self._add(shape, _Constraint("uniqueLang", "focus"))
        for predicate, op in ((SH.minInclusive, ">="), (SH.maxInclusive, "<="), (SH.minExclusive, ">"), (SH.maxExclusive, "<")):
            for bound in sorted(g.objects(node, predicate), key=str):
                if not isinstance(bound, Literal):
                    raise UnsupportedShapesError(f"{g.qname(predicate)} of shape {self._name(node)} must be a literal")
                self._add(shape, self._range(predicate, op, bound))
        for predicate, component in ((SH.minLength, "minLength"), (SH.maxLength, "maxLength")):
            n = self._integer(shape, predicate, f"sh:{component}")
            if n is not None and not (component == "minLength" and n == 0):
                self._add(shape, _Constraint(component, "value", n))
        for other in sorted(g.objects(node, SH.lessThanOrEquals), key=str):
            self._property_only(shape, "sh:lessThanOrEquals")
            if not isinstance(other, URIRef):
                raise UnsupportedShapesError(f"sh:lessThanOrEquals of shape {self._name(node)} must be an IRI")
            self._add(shape, self._less_than_or_equals(other))
        self._qualified(shape)
        for nested in sorted(g.objects(node, SH.node), key=str):
            target = self._shape(nested)
            if target.path is not None:
                raise UnsupportedShapesError(f"sh:node of shape {self._name(node)} points to a property shape")
            self._add(shape, _Constraint("node", "value", target))
        for lst in g.objects(node, SH["or"]):
            members = [self._shape(m) for m in self._list(lst, node, "sh:or")]
            self._add(shape, _Constraint("or", "value", members))
        for prop in sorted(g.objects(node, SH.property), key=str):
            target = self._shape(prop)
            if target.path is None:
                raise UnsupportedShapesError(f"sh:property of shape {self._name(node)} points to a shape without sh:path")
            shape.properties.append(target)
        closed = self._one(node, SH.closed, what="sh:closed")
        if isinstance(closed, Literal) and bool(closed.value):
            raise UnsupportedShapesError(f"shape {self._name(node)} uses sh:closed true, which the SPARQL engine does not compile; validate with pySHACL")

    def _qualified(self, shape: _Shape) -> None:
        g, node = self.graph, shape.node
        value_shapes = sorted(g.objects(node, SH.qualifiedValueShape), key=str)
        if not value_shapes:
            return
        if shape.path is None:
            return  # pySHACL skips it on node shapes (with a warning)
        disjoint = self._one(node, SH.qualifiedValueShapesDisjoint, what="sh:qualifiedValueShapesDisjoint")
        if isinstance(disjoint, Literal) and disjoint.value is True:
            raise UnsupportedShapesError(f"shape {self._name(node)} uses sh:qualifiedValueShapesDisjoint true, which the SPARQL engine does not compile")
        low = self._integer(shape, SH.qualifiedMinCount, "sh:qualifiedMinCount")
        high = self._integer(shape, SH.qualifiedMaxCount, "sh:qualifiedMaxCount")
        if low is None and high is None:
            raise UnsupportedShapesError(f"shape {self._name(node)} has sh:qualifiedValueShape without sh:qualifiedMinCount or sh:qualifiedMaxCount")
        for value_shape in value_shapes:
            target = self._shape(value_shape)
            if high is not None:
                self._add(shape, _Constraint("qualifiedMaxCount", "focus", (target, high)))
            if low is not None and low > 0:
                self._add(shape, _Constraint("qualifiedMinCount", "focus", (target, low)))

    # -- components decided partly in Python ---------------------------------------------------

    def _datatype(self, datatype) -> _Constraint:
        if not isinstance(datatype, URIRef):
            raise UnsupportedShapesError(f"sh:datatype {datatype} is not an IRI")
        c = _Constraint("datatype", "value", datatype)
        if datatype not in (XSD.string, RDF.langString, RDFS.Literal, RDFS.Datatype) and datatype in _rdflib_checked_datatypes():
            trusted = _TRUSTED_DATATYPE.get(datatype)
            keep = f"isLiteral(?v) && datatype(?v) = {_term(datatype)}"
            c.candidates = keep + (f" && !{_coalesce(trusted)}" if trusted else "")
            c.python_violates = lambda v, d=datatype: not _datatype_matches(v, d)
        return c

    def _range(self, predicate, op: str, bound: Literal) -> _Constraint:
        c = _Constraint(str(predicate).rsplit("#", 1)[-1], "value", (op, bound))
        trusted = _trusted_comparison("?v", op, _term(bound), bound)
        c.candidates = "isLiteral(?v)" + (f" && !{_coalesce(trusted)}" if trusted else "")
        c.python_violates = lambda v, o=op, b=bound: not _range_ok(v, o, b)
        return c

    def _pattern(self, shape: _Shape, pattern, flags) -> _Constraint:
        if not isinstance(pattern, Literal):
            raise UnsupportedShapesError(f"sh:pattern of shape {self._name(shape.node)} must be a literal")
        text = str(pattern.value) if pattern.value is not None and len(pattern.value) > 1 else str(pattern)
        flag_text = str(flags.value).lower() if isinstance(flags, Literal) and flags.value else ""
        re_flags = (re.I if "i" in flag_text else 0) | (re.M if "m" in flag_text else 0)
        try:
            compiled = re.compile(text, re_flags)
        except re.error as exc:
            raise UnsupportedShapesError(f"sh:pattern {text!r} of shape {self._name(shape.node)} is not a valid regular expression: {exc}") from None
        portable = _portable_regex(text) and _oxigraph_compiles(text, "i" if "i" in flag_text else "")
        c = _Constraint("pattern", "value", (text, "i" if "i" in flag_text else "", portable))
        c.candidates = "!isBlank(?v)" + (f" && REGEX(STR(?v), {_NOT_PRINTABLE_ASCII})" if portable else "")
        c.python_violates = lambda v, r=compiled: not r.search(_string_value(v))
        return c

    def _less_than_or_equals(self, other: URIRef) -> _Constraint:
        c = _Constraint("lessThanOrEquals", "pair", other)
        c.python_violates = _less_than_or_equals_violates
        return c

    # -- structure -------------------------------------------------------------------------

    def shapes(self) -> list[_Shape]:
        """Every shape that validation may evaluate."""
        return list(self._shapes.values())

    @staticmethod
    def _report_children(shape: _Shape) -> Iterator[_Shape]:
        yield from shape.properties

    @staticmethod
    def _eval_children(shape: _Shape) -> Iterator[_Shape]:
        yield from shape.properties
        for c in shape.constraints:
            if c.component == "node":
                yield c.param
            elif c.component == "or":
                yield from c.param
            elif c.component.startswith("qualified"):
                yield c.param[0]

    def _check_acyclic(self) -> None:
        state: dict[object, int] = {}

        def visit(shape: _Shape) -> None:
            if state.get(shape.node) == 2:
                return
            if state.get(shape.node) == 1:
                raise UnsupportedShapesError(f"shape {self._name(shape.node)} refers to itself (recursive shapes are not supported)")
            state[shape.node] = 1
            for child in self._eval_children(shape):
                visit(child)
            state[shape.node] = 2

        for shape in list(self._shapes.values()):
            visit(shape)

    # -- messages and paths of results -----------------------------------------------------

    def _generic_message(self, shape: _Shape, c: _Constraint) -> str:
        """pySHACL's message for a shape without sh:message (only those that do not depend on
        the data; for the others the shape must have a sh:message)."""
        from pyshacl.rdfutil import stringify_node

        def s(node) -> str:
            return stringify_node(self.graph, node)

        siblings = [x for x in shape.constraints if x.component == c.component]
        if c.component == "class":
            if len(siblings) < 2:
                return f"Value does not have class {s(c.param)}"
            return "Value class is not in classes ({})".format(", ".join(s(x.param) for x in siblings))
        if c.component == "datatype":
            return f"Value is not Literal with datatype {s(c.param)}"
        if c.component == "nodeKind":
            return f"Value is not of Node Kind {s(c.param)}"
        if c.component == "pattern":
            if len(siblings) < 2:
                return f"Value does not match pattern '{c.param[0]}'"
            return "Value does not match every pattern in ('{}')".format("', '".join(x.param[0] for x in siblings))
        if c.component == "languageIn":
            return f"String language is not in {s(self.graph.value(shape.node, SH.languageIn))}"
        if c.component == "uniqueLang":
            return "More than one String shares the same Language"
        ops = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
        if c.component in ops:
            if len(siblings) < 2:
                return f"Value is not {ops[c.component]} {s(c.param[1])}"
            return "Value is not {} in ({})".format(ops[c.component], ", ".join(s(x.param[1]) for x in siblings))
        if c.component == "node":
            nodes = [x.param.node for x in siblings]
            if len(nodes) < 2:
                return f"Value does not conform to Shape {s(nodes[0])}. See details for more information."
            return "Value must conform to every Shape in ('{}'). See details for more information.".format("', '".join(s(n) for n in nodes))
        if c.component.startswith("qualified"):
            value_shapes = sorted({x.param[0].node for x in shape.constraints if x.component.startswith("qualified")}, key=str)
            counts = ""
            low = self.graph.value(shape.node, SH.qualifiedMinCount)
            high = self.graph.value(shape.node, SH.qualifiedMaxCount)
            counts += f" MinCount {low.value}" if low is not None else ""
            counts += f" MaxCount {high.value}" if high is not None else ""
            names = ",".join(s(v) for v in value_shapes)
            plural = "s" if len(value_shapes) > 1 else ""
            return f"Focus node does not conform to shape{plural}{counts}: " + (f"({names})" if plural else names)
        raise UnsupportedShapesError(
            f"shape {self._name(shape.node)} has no sh:message, and pySHACL's own message for sh:{c.component} "
            "depends on the data; give the shape a sh:message (or validate with pySHACL)")

    def message(self, shape: _Shape, c: _Constraint) -> str:
        return shape.message if shape.message is not None else self._generic_message(shape, c)


def compile_shapes(shapes: rdflib.Graph) -> CompiledShapes:
    """Compile a shapes graph; :class:`UnsupportedShapesError` names what cannot be compiled."""
    return CompiledShapes(shapes)


# --- Python verdicts, as pySHACL reaches them -------------------------------------------------

_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}

#: Literals of these datatypes that Oxigraph holds as valid are valid for rdflib as well (and of
#: the Python type pySHACL expects); the rest of the literals of a checked datatype go to Python.
_TRUSTED_DATATYPE = {
    XSD.integer: "isNumeric(?v)",
    XSD.decimal: "isNumeric(?v)",
    XSD.double: "isNumeric(?v)",
    XSD.float: "isNumeric(?v)",
    XSD.boolean: 'STR(?v) IN ("true", "false")',
    XSD.date: f'REGEX(STR(?v), "{_DATE_RE}") && isNumeric(DAY(?v))',
}


def _oxigraph_compiles(pattern: str, flags: str) -> bool:
    """Oxigraph's REGEX is an error (not false) for a pattern its engine cannot compile."""
    flag_arg = f", {_string(flags)}" if flags else ""
    rows = list(ox.Store().query(f'SELECT (COALESCE(REGEX("", {_string(pattern)}{flag_arg}), "error") AS ?ok) {{}}'))
    ok = rows[0]["ok"]
    return isinstance(ok, ox.Literal) and ok.value in ("true", "false")


def _rdflib_checked_datatypes() -> set:
    """Datatypes for which rdflib may call a literal ill-typed (or pySHACL checks its Python type)."""
    mapping = getattr(rdflib.term, "_toPythonMapping", None) or rdflib.term.XSDToPython
    return {d for d in mapping if d is not None} | {XSD.integer, XSD.float, XSD.decimal, XSD.boolean, XSD.date, XSD.time, XSD.dateTime}


@contextmanager
def _quiet_rdflib():
    """rdflib logs a traceback (and may warn) for every ill-typed literal it meets."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _assert_actual_datatype(value_node: Literal, rule) -> bool:
    # pyshacl DatatypeConstraintComponent._assert_actual_datatype
    value = value_node.value
    if rule == XSD.string or rule == RDF.langString:
        return isinstance(value, (str, bytes))
    checks = {XSD.integer: int, XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}
    return isinstance(value, checks[rule]) if rule in checks else True


def _datatype_matches(v, rule) -> bool:
    # pyshacl DatatypeConstraintComponent.evaluate, for one value node
    if not isinstance(v, Literal):
        return False
    if v.datatype == rule:
        return False if getattr(v, "ill_typed", None) is True else _assert_actual_datatype(v, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == XSD.string:
        return _assert_actual_datatype(v, rule)
    if rule == RDF.langString and v.language:
        return _assert_actual_datatype(v, rule)
    return False


def _range_ok(v, op: str, bound: Literal) -> bool:
    # pyshacl Min/MaxIn/ExclusiveConstraintComponent._evaluate_*_rule, for one value node
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(v, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(v.value, str):
        return False
    try:
        cmp = compare_literal(v, bound)
    except (TypeError, NotImplementedError):
        return False
    return {">=": cmp >= 0, ">": cmp > 0, "<=": cmp <= 0, "<": cmp < 0}[op]


def _less_than_or_equals_violates(value, other) -> bool:
    # pyshacl LessThanOrEqualsConstraintComponent._compare_ltoe, for one pair (no blank nodes)
    def plain(node):
        if isinstance(node, URIRef):
            return str(node), True
        if isinstance(node, Literal) and isinstance(node.value, str):
            return node.value, True
        return node, False

    a, a_is_string = plain(value)
    b, b_is_string = plain(other)
    if a_is_string != b_is_string:
        return True
    try:
        return not a <= b
    except TypeError:  # pySHACL would stop with an error here; we report the pair instead
        return True


def _string_value(v) -> str:
    # pyshacl StringBasedConstraintBase.value_node_to_string
    if isinstance(v, Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


_NUMERIC_FAMILIES = ((XSD.integer, XSD.decimal), (XSD.double,), (XSD.float,))


def _trusted_comparison(var: str, op: str, other: str, bound: Literal | None) -> str | None:
    """A SPARQL condition under which ``var op other`` means what rdflib's comparison means.

    ``bound`` is the rdflib literal compared with (None when ``other`` is a variable: then the
    families are checked on both sides at run time).
    """
    if bound is not None:
        for family in _NUMERIC_FAMILIES:
            if bound.datatype in family:
                types = ", ".join(_term(t) for t in family)
                return f"datatype({var}) IN ({types}) && isNumeric({var}) && {var} {op} {other}"
        if bound.datatype is None and bound.language is None:
            return f"datatype({var}) = {_XSD_STRING} && {var} {op} {other}"
        if bound.datatype == XSD.date and re.match(_DATE_RE, str(bound)):
            return f'datatype({var}) = {_XSD_DATE} && REGEX(STR({var}), "{_DATE_RE}") && {var} {op} {other}'
        return None
    cases = []
    for family in _NUMERIC_FAMILIES:
        types = ", ".join(_term(t) for t in family)
        cases.append(f"(datatype({var}) IN ({types}) && datatype({other}) IN ({types}) && isNumeric({var}) && isNumeric({other}) && {var} {op} {other})")
    cases.append(f"(datatype({var}) = {_XSD_STRING} && datatype({other}) = {_XSD_STRING} && {var} {op} {other})")
    cases.append(f'(datatype({var}) = {_XSD_DATE} && datatype({other}) = {_XSD_DATE} && REGEX(STR({var}), "{_DATE_RE}") '
                 f'&& REGEX(STR({other}), "{_DATE_RE}") && {var} {op} {other})')
    return f"isLiteral({var}) && isLiteral({other}) && (" + " || ".join(cases) + ")"


_PORTABLE_ESCAPES = set(".^$*+?()[]{}|\\/-") | set("dDwWsSntrfv")


def _portable_regex(pattern: str) -> bool:
    """True when the pattern means the same to Python's ``re`` and to Oxigraph's (Rust) regex on
    printable-ASCII strings: literal characters, the usual escapes, classes, groups, alternation,
    greedy and lazy quantifiers, ``^`` and ``$``. Anything else (look-around, back-references,
    inline flags, possessive quantifiers, class set operations...) is decided in Python."""
    if not all(" " <= ch <= "~" for ch in pattern):
        return False
    i, n = 0, len(pattern)
    after_quantifiable = False
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= n or pattern[i + 1] not in _PORTABLE_ESCAPES | {"b", "B"}:
                return False
            i += 2
            after_quantifiable = pattern[i - 1] not in "bB"
            continue
        if ch == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                return False
            while i < n and pattern[i] != "]":
                if pattern[i] == "[" or pattern[i:i + 2] in ("&&", "--", "~~"):
                    return False
                if pattern[i] == "\\":
                    if i + 1 >= n or pattern[i + 1] not in _PORTABLE_ESCAPES:
                        return False
                    i += 2
                else:
                    i += 1
            if i >= n:
                return False
            i += 1
            after_quantifiable = True
            continue
        if ch in "*+?":
            if not after_quantifiable:
                return False
            i += 1
            if i < n and pattern[i] == "?":
                i += 1
            if i < n and pattern[i] in "*+?{":
                return False
            after_quantifiable = False
            continue
        if ch == "{":
            m = re.match(r"\{(\d+)(,(\d*))?\}", pattern[i:])
            if not m or not after_quantifiable:
                return False
            i += m.end()
            if i < n and pattern[i] == "?":
                i += 1
            if i < n and pattern[i] in "*+?{":
                return False
            after_quantifiable = False
            continue
        if ch == "(":
            if pattern[i + 1:i + 2] == "?":
                if pattern[i + 2:i + 3] != ":":
                    return False
                i += 3
            else:
                i += 1
            after_quantifiable = False
            continue
        if ch in "}]":
            return False
        after_quantifiable = ch not in "|^$("
        i += 1
    return True


# --- generating the queries ----------------------------------------------------------------------


class _Generator:
    """SPARQL text for one compiled shapes graph and the Python verdicts of one store."""

    def __init__(self, compiled: CompiledShapes, store: Store, *, set_joins: bool = False) -> None:
        self.compiled = compiled
        self.store = store
        self.set_joins = set_joins
        self.bad: dict[int, list[str]] = {}
        self.closures: dict[object, list[str]] = {}
        self.var = _Vars()
        #: Set joins of the focus query being generated (see :class:`_SetJoins`), else None.
        self.sets: _SetJoins | None = None

    # value nodes of a shape at a focus variable
    def values(self, shape: _Shape, focus: str) -> tuple[str, str]:
        if shape.path is None:
            return "", focus
        v = self.var()
        return f"{focus} {shape.sparql_path} {v} .", v

    def distinct_values(self, shape: _Shape, focus: str, n: int, condition=None) -> str:
        """A pattern with solutions iff the focus has at least ``n`` distinct value nodes
        (satisfying ``condition``)."""
        if n <= 3:
            triples, names = [], []
            for _ in range(n):
                v = self.var()
                names.append(v)
                triples.append(f"{focus} {shape.sparql_path} {v} .")
                if condition:
                    triples.append(f"FILTER({condition(v)})")
            triples += [f"FILTER(!sameTerm({a}, {b}))" for a, b in itertools.combinations(names, 2)]
            return " ".join(triples)
        v, count = self.var(), self.var("n")
        where = f"{focus} {shape.sparql_path} {v} ." + (f" FILTER({condition(v)})" if condition else "")
        return f"{{ SELECT {focus} (COUNT(DISTINCT {v}) AS {count}) WHERE {{ {where} }} GROUP BY {focus} }} FILTER({count} >= {n})"

    def value_violation(self, shape: _Shape, c: _Constraint, v: str) -> str:
        """For ``value`` constraints: a SPARQL expression, true when value node ``v`` violates."""
        p = c.param
        bad = _in_set(v, self.bad.get(c.key, ()))
        if c.component == "class":
            members = self.classes(p)
            if self.sets is not None and self.sets.covers(v) and members is not None:
                return f"!BOUND({self.sets.typed(v, members)})"
            return f"NOT EXISTS {{ {self.instance_of(v, [p])} }}"
        if c.component == "datatype":
            if p == RDFS.Literal:
                return f"!isLiteral({v})"
            if p == RDFS.Datatype:
                return f"!(isLiteral({v}) && !(datatype({v}) IN ({_XSD_STRING}, {_RDF_LANGSTRING})))"
            if p == RDF.langString:
                return f'!(isLiteral({v}) && LANG({v}) != "")'
            return _or([f"!(isLiteral({v}) && datatype({v}) = {_term(p)})", bad])
        if c.component == "nodeKind":
            return _not(_NODE_KINDS[p].format(v=v))
        if c.component == "pattern":
            text, flags, portable = p
            if not portable:
                return _or([f"isBlank({v})", bad])
            flag_arg = f", {_string(flags)}" if flags else ""
            return _or([f"isBlank({v})", f"(!REGEX(STR({v}), {_NOT_PRINTABLE_ASCII}) && !REGEX(STR({v}), {_string(text)}{flag_arg}))", bad])
        if c.component == "in":
            # rdflib's term equality: a shapes literal typed xsd:string explicitly never equals data
            members = [m for m in p if not isinstance(m, BNode) and not (isinstance(m, Literal) and m.datatype == XSD.string)]
            return _not(_or(f"sameTerm({v}, {_term(m)})" for m in members))
        if c.component == "languageIn":
            if "*" in p:
                return f'!(isLiteral({v}) && LANG({v}) != "")'
            tags = ", ".join(_string(t) for t in p)
            lang = f"LCASE(LANG({v}))"
            primary = f'IF(CONTAINS({lang}, "-"), STRBEFORE({lang}, "-"), {lang})'
            return f'!(isLiteral({v}) && LANG({v}) != "" && ({lang} IN ({tags}) || {primary} IN ({tags})))'
        if c.component in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            return _or([f"!isLiteral({v})", bad])
        if c.component == "minLength":
            return f"isBlank({v}) || STRLEN(STR({v})) < {p}"
        if c.component == "maxLength":
            return f"isBlank({v}) || STRLEN(STR({v})) > {p}"
        if c.component == "node":
            return self.any_report(p, v)
        if c.component == "or":
            return _not(_or(self.conforms(member, v) for member in p))
        raise AssertionError(c.component)

    def focus_violation(self, shape: _Shape, c: _Constraint, x: str) -> str:
        """For ``focus`` constraints: a SPARQL expression, true when focus ``x`` violates."""
        p = c.param
        if c.component in ("minCount", "maxCount") and self.sets is not None and self.sets.covers(x, shape):
            return f"COALESCE({self.sets.count(x, shape)}, 0) {'<' if c.component == 'minCount' else '>'} {p}"
        if c.component == "minCount":
            return f"NOT EXISTS {{ {self.distinct_values(shape, x, p)} }}"
        if c.component == "maxCount":
            return f"EXISTS {{ {self.distinct_values(shape, x, p + 1)} }}"
        if c.component == "hasValue":
            if isinstance(p, Literal) and p.datatype == XSD.string:
                return "true"  # never equal to a data literal under rdflib's term equality
            if shape.path is None:
                return f"!sameTerm({x}, {_term(p)})"
            v = self.var()
            return f"NOT EXISTS {{ {x} {shape.sparql_path} {v} . FILTER(sameTerm({v}, {_term(p)})) }}"
        if c.component == "uniqueLang":
            a, b = self.var(), self.var()
            return (f"EXISTS {{ {x} {shape.sparql_path} {a} . {x} {shape.sparql_path} {b} . "
                    f'FILTER(isLiteral({a}) && isLiteral({b}) && LANG({a}) != "" && !sameTerm({a}, {b}) && LCASE(LANG({a})) = LCASE(LANG({b}))) }}')
        if c.component in ("qualifiedMinCount", "qualifiedMaxCount"):
            target, n = p

            def conforming(v):
                return self.conforms(target, v)

            if c.component == "qualifiedMinCount":
                return f"NOT EXISTS {{ {self.distinct_values(shape, x, n, conforming)} }}"
            return f"EXISTS {{ {self.distinct_values(shape, x, n + 1, conforming)} }}"
        raise AssertionError(c.component)

    def pair_body(self, shape: _Shape, c: _Constraint, x: str) -> tuple[str, str]:
        v, o = self.var(), self.var("o")
        pairs = self.bad.get(c.key, ())
        bad = f"EXISTS {{ VALUES ({v} {o}) {{ {' '.join(pairs)} }} }}" if pairs else "false"
        return (f"{x} {shape.sparql_path} {v} . {x} {_term(c.param)} {o} . "
                f"FILTER({_or([f'isBlank({v}) || isBlank({o})', bad])})"), v

    def body(self, shape: _Shape, c: _Constraint, x: str) -> tuple[str, str | None]:
        """A group pattern, given ``x`` bound, with a solution per violation; and the variable of
        the reported value (None when the result has no value)."""
        if c.kind == "focus":
            return f"FILTER({self.focus_violation(shape, c, x)})", None
        if c.kind == "pair":
            return self.pair_body(shape, c, x)
        triples, v = self.values(shape, x)
        return f"{triples} FILTER({self.value_violation(shape, c, v)})", v

    def exists(self, shape: _Shape, c: _Constraint, x: str) -> str:
        if c.kind == "focus":
            return self.focus_violation(shape, c, x)
        if c.kind == "value" and shape.path is None:
            return self.value_violation(shape, c, x)
        if c.kind == "value" and self.sets is not None and self.sets.covers(x, shape):
            return self.sets.some_value(x, shape, lambda v: self.value_violation(shape, c, v))
        body, _v = self.body(shape, c, x)
        return f"EXISTS {{ {body} }}"

    def any_report(self, shape: _Shape, x: str) -> str:
        """True when validating ``x`` against ``shape`` gives a result, of any severity (a
        nested sh:node shape counts through the sh:node constraint that uses it)."""
        if shape.deactivated:
            return "false"
        parts = [self.exists(shape, c, x) for c in shape.constraints]
        for prop in shape.properties:
            if shape.path is None:
                parts.append(self.any_report(prop, x))
            elif self.sets is not None and self.sets.covers(x, shape):
                parts.append(self.sets.some_value(x, shape, lambda y, prop=prop: self.any_report(prop, y)))
            else:
                y = self.var("y")
                inner = self.any_report(prop, y)
                if inner != "false":
                    parts.append(f"EXISTS {{ {x} {shape.sparql_path} {y} . FILTER({inner}) }}")
        return _or(parts)

    def conforms(self, shape: _Shape, x: str) -> str:
        """SHACL's conformance of ``x`` to ``shape``: no result of any severity (a deactivated
        shape gives none)."""
        return _not(self.any_report(shape, x))

    # focus nodes
    def classes(self, cls) -> list[str] | None:
        """``cls`` and its subclasses in the data (``rdfs:subClassOf*``), as SPARQL constants;
        None when a subclass is a blank node (which no query text can name)."""
        if cls not in self.closures:
            found = [row["c"] for row in _select(self.store, f"SELECT DISTINCT ?c WHERE {{ ?c {_SUBCLASS}* {_term(cls)} }}")]
            if any(isinstance(c, ox.BlankNode) for c in found):
                self.closures[cls] = None
            else:
                self.closures[cls] = sorted({str(c) for c in found if not isinstance(c, ox.Literal)} | {_term(cls)})
        return self.closures[cls]

    def instance_of(self, var: str, classes: Iterable) -> str:
        """A pattern binding ``var`` to every instance of the classes (or of a subclass)."""
        classes = sorted(set(classes), key=str)
        closures = [self.classes(cls) for cls in classes]
        if any(c is None for c in closures):
            paths = [f"{{ {var} {_RDF_TYPE}/{_SUBCLASS}* {_term(cls)} . }}" for cls in classes]
            return " UNION ".join(paths)
        members = sorted({m for closure in closures for m in closure})
        c = self.var("c")
        return f"VALUES {c} {{ {' '.join(members)} }} {var} {_RDF_TYPE} {c} ."

    def target(self, kind: str, value, var: str) -> str:
        if kind == "class":
            return self.instance_of(var, [value])
        if kind == "node":
            return f"VALUES {var} {{ {_term(value)} }}"
        if kind == "subjectsOf":
            return f"{var} {_term(value)} [] ."
        return f"[] {_term(value)} {var} ."

    def _union(self, classes: set, branches: list[str], var: str) -> str | None:
        if classes:
            branches = [self.instance_of(var, classes)] + branches
        if not branches:
            return None
        return " UNION ".join(f"{{ {b} }}" for b in branches) if len(branches) > 1 else branches[0]

    def _focus_parts(self, shape: _Shape, var: str) -> tuple[set, list[str]]:
        classes = {value for kind, value in shape.targets if kind == "class"}
        branches = [self.target(kind, value, var) for kind, value in shape.targets if kind != "class"]
        for parent in self.compiled.report_parents.get(shape.node, ()):
            if parent.path is None:  # a node shape passes its focus nodes on as they are
                more_classes, more = self._focus_parts(parent, var)
                classes |= more_classes
                branches += more
            else:
                t = self.var("t")
                branches.append(f"{{ SELECT DISTINCT {t} WHERE {{ {self.focus(parent, t)} }} }} {t} {parent.sparql_path} {var} .")
        return classes, branches

    def focus_key(self, shape: _Shape) -> str:
        """The same text for shapes that have the same focus nodes."""
        var, self.var = self.var, _Vars()
        try:
            return self.focus(shape, "?this")
        finally:
            self.var = var

    def focus(self, shape: _Shape, var: str) -> str:
        """A pattern binding ``var`` to every focus node that ``shape`` reports on."""
        return self._union(*self._focus_parts(shape, var), var)

    def evaluated_values(self, shape: _Shape, var: str, *, fresh: bool = False) -> str | None:
        """A pattern binding ``var`` to (a superset of) the value nodes ``shape`` checks, from
        any place it is used; None when it is never evaluated. ``fresh``: the same text for the
        same pattern."""
        if fresh:
            saved, self.var = self.var, _Vars()
            try:
                return self.evaluated_values(shape, var)
            finally:
                self.var = saved
        if shape.path is not None:
            return f"[] {shape.sparql_path} {var} ."
        classes = {value for kind, value in shape.targets if kind == "class"}
        branches = [self.target(kind, value, var) for kind, value in shape.targets if kind != "class"]
        for parent in self.compiled.eval_parents.get(shape.node, ()):
            inner = self.evaluated_values(parent, var)
            if inner is not None:
                branches.append(inner)
        return self._union(classes, branches, var)


# --- running ------------------------------------------------------------------------------------


def _select(store: Store, sparql: str) -> Iterator:
    try:
        yield from store.query(sparql)
    except (SyntaxError, OSError, ValueError, RuntimeError) as exc:  # a bug of the compiler, never of the data
        shown = sparql if len(sparql) <= 2000 else sparql[:2000] + " ..."
        raise GulagKgError(f"the SPARQL compiled from the shapes failed ({exc}): {shown}") from exc


def _python_verdicts(store: Store, compiled: CompiledShapes, gen: _Generator) -> dict[int, list[str]]:
    """For every check partly decided in Python: the violating terms among the values that
    SPARQL cannot settle (SPARQL constants, for VALUES)."""
    bad: dict[int, list[str]] = {}
    done: dict[tuple, list[str]] = {}  # the same check on the same values (shared by shapes) once
    for shape in compiled.shapes():
        for c in shape.constraints:
            if c.kind == "pair":
                key = ("pair", shape.sparql_path, str(c.param))
                if key not in done:
                    done[key] = _bad_pairs(store, shape, c)
                bad[c.key] = done[key]
            elif c.candidates is not None:
                values = gen.evaluated_values(shape, "?v", fresh=True)
                if values is None:
                    continue
                key = ("value", values, c.candidates, c.component, repr(c.param))
                if key not in done:
                    done[key] = _bad_values(store, values, c)
                bad[c.key] = done[key]
    return bad


def _bad_values(store: Store, values: str, c: _Constraint) -> list[str]:
    terms = []
    with _quiet_rdflib():
        for row in _select(store, f"SELECT DISTINCT ?v WHERE {{ {{ {values} }} FILTER({c.candidates}) }}"):
            v = row["v"]
            if not isinstance(v, ox.BlankNode) and c.python_violates(to_rdflib_term(v)):
                terms.append(str(v))
    return terms


def _bad_pairs(store: Store, shape: _Shape, c: _Constraint) -> list[str]:
    trusted = _trusted_comparison("?v", "<=", "?o", None)
    query = (f"SELECT DISTINCT ?v ?o WHERE {{ ?s {shape.sparql_path} ?v . ?s {_term(c.param)} ?o . "
             f"FILTER(!isBlank(?v) && !isBlank(?o) && !{_coalesce(trusted)}) }}")
    pairs = []
    with _quiet_rdflib():
        for row in _select(store, query):
            v, o = row["v"], row["o"]
            if _less_than_or_equals_violates(to_rdflib_term(v), to_rdflib_term(o)):
                pairs.append(f"({v} {o})")
    return pairs


def _focus_text(term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else "(blank node)"


def _focus_labels(store: Store, terms: Iterable) -> dict:
    """The focus label of validation.py: the first English rdfs:label, else the first label, else
    the IRI, in the order in which the pySHACL path meets the triples (the store's order)."""
    label = ox.NamedNode(str(RDFS.label))
    out = {}
    for term in terms:
        best = None
        if isinstance(term, (ox.NamedNode, ox.BlankNode)):
            for quad in store.quads_for_pattern(term, label, None, None):
                obj = quad.object
                if isinstance(obj, ox.Literal) and obj.language == "en":
                    best = obj.value
                    break
                best = best or obj.value
        out[term] = best if best else (term.value if isinstance(term, ox.NamedNode) else "(blank node)")
    return out


def _path_texts(compiled: CompiledShapes) -> dict:
    from .namespaces import bind_prefixes

    graph = rdflib.Graph()  # as validation.py names a result path: the data graph's prefixes
    bind_prefixes(graph)
    out = {}
    for shape in compiled.reporting:
        if isinstance(shape.path, URIRef):
            out[shape.node] = graph.namespace_manager.normalizeUri(shape.path)
        else:
            out[shape.node] = "(path)" if shape.path is not None else ""
    return out


#: Paths whose value nodes can be listed for every subject at once (no zero-length steps).
_SET_PATH = re.compile(r"^\^?<[^<>\s]*>$")


class _SetJoins:
    """Checks answered by joining whole sets instead of an EXISTS per node.

    ``EXISTS`` inside a query is an index lookup for every row; on disk that lookup dominates
    the time. Instead, for a variable bound in the query (a *scope*: the focus node, the value
    node, or a value node of a nested shape), the generator registers a sub-select over every
    node at once (values of a path counted per subject, the instances of a class, the nodes
    having some value that violates) and joins it where the variable is bound: Oxigraph joins a
    sub-select by hashing, several times faster on disk, with the same answers. Only simple
    paths (an IRI or its inverse) are used this way; anything else keeps its EXISTS.
    """

    def __init__(self, gen: _Generator) -> None:
        self.gen = gen
        self._scopes: dict[str, list[tuple[str, str]]] = {}  # var -> [(variable it binds, pattern)]
        self._counts: dict[tuple[str, str], str] = {}
        self._typed: dict[tuple[str, tuple], str] = {}

    def open(self, var: str) -> None:
        self._scopes[var] = []

    def close(self, var: str) -> list[tuple[str, str]]:
        """The patterns registered for ``var`` (each with the variable it binds), to place right
        after the pattern binding ``var``."""
        self._counts = {k: n for k, n in self._counts.items() if k[0] != var}
        self._typed = {k: t for k, t in self._typed.items() if k[0] != var}
        return self._scopes.pop(var)

    def covers(self, var: str, shape: _Shape | None = None) -> bool:
        return var in self._scopes and (shape is None or (shape.sparql_path is not None and bool(_SET_PATH.match(shape.sparql_path))))

    def count(self, var: str, shape: _Shape) -> str:
        """A variable holding the number of distinct values of ``shape``'s path at ``var`` (or unbound for none)."""
        key = (var, shape.sparql_path)
        if key not in self._counts:
            n, v = self.gen.var("n"), self.gen.var()
            self._counts[key] = n
            self._scopes[var].append((n, f"OPTIONAL {{ SELECT {var} (COUNT(DISTINCT {v}) AS {n}) "
                                         f"WHERE {{ {var} {shape.sparql_path} {v} . }} GROUP BY {var} }}"))
        return self._counts[key]

    def typed(self, var: str, members: list[str]) -> str:
        """A variable bound where ``var`` has one of the types ``members``."""
        key = (var, tuple(members))
        if key not in self._typed:
            flag, cls = self.gen.var("typed"), self.gen.var("c")
            self._typed[key] = flag
            self._scopes[var].append((flag, f"OPTIONAL {{ SELECT DISTINCT {var} (true AS {flag}) "
                                            f"WHERE {{ VALUES {cls} {{ {' '.join(members)} }} {var} {_RDF_TYPE} {cls} . }} }}"))
        return self._typed[key]

    def some_value(self, var: str, shape: _Shape, condition: Callable[[str], str]) -> str:
        """An expression true where ``var`` has a value on ``shape``'s path satisfying
        ``condition`` (itself given a scope of its own)."""
        v = self.gen.var("y")
        self.open(v)
        expr = condition(v)
        inner = " ".join(pattern for _bound, pattern in self.close(v))
        if expr == "false":
            return "false"
        flag = self.gen.var("some")
        self._scopes[var].append((flag, f"OPTIONAL {{ SELECT DISTINCT {var} (true AS {flag}) "
                                        f"WHERE {{ {var} {shape.sparql_path} {v} . {inner} FILTER({_coalesce(expr)}) }} }}"))
        return f"BOUND({flag})"


#: At most this many set joins in one query: Oxigraph's solutions carry a slot for every
#: variable of the query, so a query with many joins holds wide rows in every hash table
#: (15 joins: 0.7 GB at a million triples, against 0.1 GB split up).
_JOINS_PER_QUERY = 3


def _split_by_joins(checks: list, joins: list[tuple[str, str]]) -> list[tuple[list, str, bool]]:
    """The focus checks as several queries, each with the set joins its checks use (checks
    that use the same joins stay together; at most :data:`_JOINS_PER_QUERY` joins a query)."""
    groups: dict[tuple[int, ...], list] = {}
    for check in checks:
        used = tuple(i for i, (bound, _p) in enumerate(joins) if re.search(re.escape(bound) + r"(?![0-9A-Za-z_])", check[2]))
        groups.setdefault(used, []).append(check)
    queries, batch, batch_joins = [], [], set()
    for used, group in sorted(groups.items()):
        if batch and len(batch_joins | set(used)) > _JOINS_PER_QUERY:
            queries.append((batch, " ".join(joins[i][1] for i in sorted(batch_joins)), False))
            batch, batch_joins = [], set()
        batch += group
        batch_joins |= set(used)
    if batch:
        queries.append((batch, " ".join(joins[i][1] for i in sorted(batch_joins)), False))
    return queries


#: A query to run and what to make of each of its rows: (shape, constraint, focus, value) tuples.
_Job = tuple[str, Callable[[object], Iterator[tuple]]]


def _violations(gen: _Generator, shapes: list[_Shape]) -> list[_Job]:
    """The queries that find every violation of the shapes' own constraints, as (shape,
    constraint, focus, value); the shapes share their focus nodes (a node shape and its
    property shapes, say).

    With EXISTS, all checks on the focus nodes share one query, all checks on their value nodes
    another (one UNION branch per path), so that the focus nodes are found once and each value
    node is visited once. With set joins, a few queries each (see :func:`_split_by_joins`).
    """
    jobs: list[_Job] = []
    inner = f"{{ SELECT DISTINCT ?this WHERE {{ {gen.focus(shapes[0], '?this')} }} }}"
    sets = gen.sets = _SetJoins(gen) if gen.set_joins else None
    # (checks, pattern binding ?this's values or "", whether rows carry a ?value)
    queries: list[tuple[list, str, bool]] = []
    try:
        on_focus = []
        if sets:
            sets.open("?this")
        for shape in shapes:
            for c in shape.constraints:
                if c.kind == "focus" or (c.kind == "value" and shape.path is None):
                    expr = gen.focus_violation(shape, c, "?this") if c.kind == "focus" else gen.value_violation(shape, c, "?this")
                    on_focus.append((shape, c, expr))
        if sets:
            queries += _split_by_joins(on_focus, sets.close("?this"))
        else:
            queries.append((on_focus, "", False))
        on_values, branches = [], []
        for shape in shapes:
            checks = [c for c in shape.constraints if c.kind == "value" and shape.path is not None]
            if not checks:
                continue
            if sets:  # one query per path: its values joined with the focus nodes by hashing
                sets.open("?value")
                exprs = [(shape, c, gen.value_violation(shape, c, "?value")) for c in checks]
                queries.append((exprs, f"{{ SELECT ?this ?value WHERE {{ ?this {shape.sparql_path} ?value }} }} "
                                       + " ".join(pattern for _bound, pattern in sets.close("?value")), True))
            else:  # one query for all paths, a UNION branch each: every value node visited once
                k = len(branches)
                branches.append(f"{{ ?this {shape.sparql_path} ?value . BIND({k} AS ?branch) }}")
                on_values += [(shape, c, f"IF(?branch = {k}, {gen.value_violation(shape, c, '?value')}, false)") for c in checks]
        if branches:
            queries.append((on_values, " UNION ".join(branches), True))
    finally:
        gen.sets = None
    for checks, triples, has_value in queries:
        if not checks:
            continue
        flags = [f"?k{i}" for i in range(len(checks))]
        binds = " ".join(f"BIND({_coalesce(expr)} AS {f})" for (_s, _c, expr), f in zip(checks, flags))
        select = " ".join(["?this"] + (["?value"] if has_value else []) + flags)
        sparql = f"SELECT DISTINCT {select} WHERE {{ {inner} {triples} {binds} FILTER({' || '.join(flags)}) }}"

        def flagged(row, checks=checks, flags=flags, has_value=has_value):
            for (shape, c, _e), f in zip(checks, flags):
                if row[f[1:]].value == "true":
                    yield shape, c, row["this"], row["value"] if has_value else (row["this"] if c.kind == "value" else None)

        jobs.append((sparql, flagged))
    for shape in shapes:
        for c in shape.constraints:
            if c.kind == "pair":
                body, v = gen.pair_body(shape, c, "?this")
                jobs.append((f"SELECT DISTINCT ?this ({v} AS ?value) WHERE {{ {inner} {body} }}",
                             lambda row, shape=shape, c=c: iter([(shape, c, row["this"], row["value"])])))
    return jobs


def _run_jobs(store: Store, jobs: list[_Job]) -> list[tuple]:
    """Run the queries, as many at once as the machine has cores (Oxigraph evaluates a query
    without holding Python's lock), and collect what their rows say."""
    workers = min(len(jobs), os.cpu_count() or 1, 4)
    if workers <= 1:
        return [item for sparql, handle in jobs for row in _select(store, sparql) for item in handle(row)]
    with ThreadPoolExecutor(workers) as pool:
        answers = pool.map(lambda job: list(_select(store, job[0])), jobs)
        return [item for (_sparql, handle), rows in zip(jobs, answers) for row in rows for item in handle(row)]


def _prefers_set_joins(store: Store) -> bool:
    """Set joins (:class:`_SetJoins`) pay where an index lookup is dear: an on-disk store. In
    memory a lookup is cheap and EXISTS is faster (1.1M quads: 12 s against 16 s, and less memory)."""
    return not isinstance(store, EndpointStore) and store.path is not None


def validate_store_sparql(store: Store, *, shapes: rdflib.Graph | CompiledShapes | None = None,
                          set_joins: bool | None = None) -> ValidationReport:
    """Validate the union of the store's graphs against the shapes (the shipped ones by default)
    with SPARQL inside Oxigraph: the report :func:`gulag_kg.validation.validate_store` gives.

    ``set_joins`` chooses how nested checks are evaluated (see :class:`_SetJoins`); the default
    picks by the kind of store. Both give the same report.

    Raises :class:`UnsupportedShapesError` when the shapes use what this engine does not compile.
    """
    if isinstance(store, EndpointStore) and not store.dialect.exists_in_expressions:
        raise UnsupportedShapesError(f"the {store.dialect.name} server at {store.query_url} refuses EXISTS inside "
                                     "an expression, which the shapes compiled to SPARQL use")
    if shapes is None:
        from .validation import load_shapes_graph

        shapes = load_shapes_graph()
    compiled = shapes if isinstance(shapes, CompiledShapes) else compile_shapes(shapes)
    gen = _Generator(compiled, store, set_joins=_prefers_set_joins(store) if set_joins is None else set_joins)
    gen.bad = _python_verdicts(store, compiled, gen)
    paths = _path_texts(compiled)
    by_focus: dict[str, list[_Shape]] = {}
    for shape in compiled.reporting:
        if shape.constraints:
            by_focus.setdefault(gen.focus_key(shape), []).append(shape)
    jobs = [job for shapes_ in by_focus.values() for job in _violations(gen, shapes_)]
    found = _run_jobs(store, jobs)
    labels = _focus_labels(store, {this for _s, _c, this, _v in found})
    results = {
        ValidationResult(
            severity=shape.severity,
            focus=_focus_text(this),
            focus_label=labels[this],
            path=paths[shape.node],
            value=value.value if value is not None else "",
            message=compiled.message(shape, c),
            shape=str(shape.node) if isinstance(shape.node, URIRef) else "",
            component=str(SH[c.component[0].upper() + c.component[1:] + "ConstraintComponent"]),
        )
        for shape, c, this, value in found
    }
    # the order of validation.py's report
    return ValidationReport(tuple(sorted(results, key=lambda r: (r.severity.order, r.focus_label.casefold(), r.focus, r.path, r.message, r.value))))
