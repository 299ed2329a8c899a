"""Validation of data against the shipped SHACL shapes (pySHACL as the engine).

The report is plain data (:class:`ValidationReport`); rendering it as text or JSON is separate.
Neither the shapes nor the data are changed by validation.

Two verdicts, kept apart because the SHACL specification and our exit codes answer different
questions: ``conforms`` is the specification's (true iff there is no result at all, whatever its
severity: what pySHACL's report graph, Jena, rudof and rdf-validate-shacl say), and
:meth:`ValidationReport.fails` is ours (a result at least as severe as ``--fail-on``, by
default a violation), which decides the exit code. Only the top-level results are reported: a
value that fails an ``sh:node`` shape is one result of the shape that points to it, as the
specification has it, not one more result per constraint of the nested shape.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import Enum

import pyshacl
import rdflib
from rdflib import RDFS, Literal, URIRef
from rdflib.namespace import SH

from . import paths
from .convert import quads_to_rdflib_graph
from .errors import GulagKgError, InputError
from .store import Store


class Severity(str, Enum):
    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def order(self) -> int:
        return {"Violation": 0, "Warning": 1, "Info": 2}[self.value]


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One SHACL result, in words: what is wrong (``message``), where (``focus``, ``path``);
    ``component`` is the IRI of the SHACL constraint component that failed."""

    severity: Severity
    focus: str
    focus_label: str
    path: str
    value: str
    message: str
    shape: str
    component: str


@dataclass(frozen=True)
class ValidationReport:
    """All results of one validation run, sorted (violations first, then by focus label)."""

    results: tuple[ValidationResult, ...]

    @property
    def violations(self) -> int:
        return sum(r.severity is Severity.VIOLATION for r in self.results)

    @property
    def warnings(self) -> int:
        return sum(r.severity is Severity.WARNING for r in self.results)

    @property
    def infos(self) -> int:
        return sum(r.severity is Severity.INFO for r in self.results)

    @property
    def conforms(self) -> bool:
        """SHACL's ``sh:conforms``: true iff there is no result at all, of any severity."""
        return not self.results

    def fails(self, *, fail_on: Severity = Severity.VIOLATION) -> bool:
        """True when a result is at least as severe as ``fail_on``: what makes ``validate``
        exit 1 (warnings alone do not, unless asked)."""
        return any(r.severity.order <= fail_on.order for r in self.results)


def load_shapes_graph() -> rdflib.Graph:
    """A fresh graph of every ``shapes/*.shacl.ttl`` (fresh because pySHACL may mutate it)."""
    shapes = rdflib.Graph()
    for path in paths.shapes_files():
        try:
            shapes.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many types; any of them means a broken shapes file
            raise InputError(str(path), f"shapes file does not parse: {exc}") from None
    return shapes


def _label(graph: rdflib.Graph, node) -> str:
    best = None
    for label in graph.objects(node, RDFS.label):
        if isinstance(label, Literal) and label.language == "en":
            return str(label)
        best = best or str(label)
    if best:
        return best
    return str(node) if isinstance(node, URIRef) else "(blank node)"


def _results(report_graph: rdflib.Graph, data_graph: rdflib.Graph) -> list[ValidationResult]:
    out = []
    # sh:result of the report only: pySHACL also types the nested results it keeps under
    # sh:detail (of sh:node) as sh:ValidationResult, which are no results of their own
    top_level = [r for report in report_graph.subjects(rdflib.RDF.type, SH.ValidationReport)
                 for r in report_graph.objects(report, SH.result)]
    for result in top_level:
        focus = report_graph.value(result, SH.focusNode)
        severity = report_graph.value(result, SH.resultSeverity)
        path = report_graph.value(result, SH.resultPath)
        value = report_graph.value(result, SH.value)
        message = report_graph.value(result, SH.resultMessage)
        shape = report_graph.value(result, SH.sourceShape)
        component = report_graph.value(result, SH.sourceConstraintComponent)
        try:
            level = Severity(str(severity).rsplit("#", 1)[-1])
        except ValueError:
            raise GulagKgError(f"the shapes use the severity {severity}, which gulag-kg does not report: "
                               "use sh:Violation, sh:Warning or sh:Info") from None
        out.append(
            ValidationResult(
                severity=level,
                focus=str(focus) if isinstance(focus, URIRef) else "(blank node)",
                focus_label=_label(data_graph, focus),
                path=data_graph.namespace_manager.normalizeUri(path) if isinstance(path, URIRef) else ("(path)" if path is not None else ""),
                value=str(value) if value is not None else "",
                message=str(message) if message is not None else "does not conform to its shape",
                shape=str(shape) if isinstance(shape, URIRef) else "",
                component=str(component),
            )
        )
    return sorted(set(out), key=lambda r: (r.severity.order, r.focus_label.casefold(), r.focus, r.path, r.message, r.value))


ENGINES = ("auto", "sparql", "pyshacl")


def validate_store(store: Store, *, engine: str = "auto") -> ValidationReport:
    """Validate the union of the store's graphs; the ontology graph supplies class
    hierarchy and vocabularies (its own terms are not targets of any shape).

    ``sparql`` compiles the shapes to SPARQL run inside the store (:mod:`gulag_kg.shacl_sparql`:
    the same report as pySHACL, 18-30x faster, no copy of the data); ``pyshacl`` runs pySHACL on
    an rdflib copy; ``auto`` uses SPARQL unless the shapes use a feature it does not compile.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    if engine in ("auto", "sparql"):
        from .shacl_sparql import UnsupportedShapesError, validate_store_sparql

        try:
            return validate_store_sparql(store)
        except UnsupportedShapesError:
            if engine == "sparql":
                raise
    return validate_graph(quads_to_rdflib_graph(store.quads()))


def validate_graph(data: rdflib.Graph) -> ValidationReport:
    """Validate an rdflib graph against the shipped shapes; ``data`` is not modified.

    ``data`` must hold the ontology too (class hierarchy, SKOS schemes), as
    :func:`validate_store` arranges.
    """
    from .namespaces import bind_prefixes

    bind_prefixes(data)
    _conforms, report_graph, _text = pyshacl.validate(
        data,
        shacl_graph=load_shapes_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=False,  # a Warning shape inside sh:or or sh:node counts, as in SHACL
        allow_infos=False,
        inplace=False,
        advanced=False,
    )
    return ValidationReport(tuple(_results(report_graph, data)))


def verdict(report: ValidationReport, *, fail_on: Severity = Severity.VIOLATION) -> str:
    """``conforms`` (no result), ``does not conform`` (a result as severe as ``fail_on``: exit 1),
    or, in between, ``does not conform, passes --fail-on <level>`` (exit 0)."""
    if report.conforms:
        return "conforms"
    if report.fails(fail_on=fail_on):
        return "does not conform"
    return f"does not conform, passes --fail-on {fail_on.value.lower()}"


def render_report_text(report: ValidationReport, *, fail_on: Severity = Severity.VIOLATION) -> str:
    """One line per result, then a summary line that begins with the :func:`verdict`."""
    lines = []
    for r in report.results:
        where = f" [{r.path}]" if r.path else ""
        value = f" (value: {r.value[:60]})" if r.value else ""
        lines.append(f"{r.severity.value}: {r.focus_label} <{r.focus}>{where}: {r.message}{value}")
    lines.append(
        f"{verdict(report, fail_on=fail_on)}: {report.violations} violation(s), {report.warnings} warning(s), {report.infos} info(s)"
    )
    return "\n".join(lines)


def render_report_json(report: ValidationReport, *, fail_on: Severity = Severity.VIOLATION) -> str:
    """``conforms`` as in SHACL; ``fails`` (with the ``fail_on`` level) decides the exit code."""
    doc = {
        "conforms": report.conforms,
        "fail_on": fail_on.value,
        "fails": report.fails(fail_on=fail_on),
        "violations": report.violations,
        "warnings": report.warnings,
        "infos": report.infos,
        "results": [{**asdict(r), "severity": r.severity.value} for r in report.results],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)
