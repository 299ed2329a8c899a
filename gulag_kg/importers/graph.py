"""Writing an import into its named graph: every node with its provenance.

Every entity, claim and event an importer makes is ``prov:wasGeneratedBy`` the import activity,
``prov:wasDerivedFrom`` the data set, and carries ``gk:evidence`` pointing at its record (an
RFC 7111 ``row=N`` fragment of a CSV file, an RFC 6901 pointer into a JSON file) or at the words
of the data set's README (an RFC 5147 line selector refined by the quote).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..namespaces import EDTF, GK, GRAPH, ID, OA, PROV, SCHEMA, VOCAB
from .core import RFC6901, Anomaly, FileCount, Record
from .terms import ANOMALY, GKC

__all__ = ["CURATORS", "IMPORTER", "Source", "Writer"]

RFC5147 = URIRef("http://tools.ietf.org/rfc/rfc5147")
CURATORS = ID["agent/gulag-kg-curators"]
IMPORTER = ID["agent/gulag-kg-importer"]


@dataclass(frozen=True)
class Source:
    """What the graph says of a data set: its slug (``gulagmap-2018``), its files, and verbatim
    words of its README with the line they stand on (the evidence of what is said about it)."""

    slug: str
    title: str
    files: tuple[str, ...]
    readme_quotes: Mapping[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def graph(self) -> URIRef:
        return GRAPH[self.slug]

    @property
    def dataset(self) -> URIRef:
        return ID[f"work/{self.slug}"]

    @property
    def readme(self) -> URIRef:
        return ID[f"source/{self.slug}-readme"]

    def file_node(self, name: str) -> URIRef:
        return ID[f"source/{self.slug}-{name.replace('.', '-')}"]

    def activity(self, imported_on: date) -> URIRef:
        return ID[f"import/{self.slug}-{imported_on.isoformat()}"]


class Writer:
    """Adds the nodes of one import to ``graph``, each with its provenance."""

    def __init__(self, graph: rdflib.Graph, source: Source, imported_on: date) -> None:
        self.graph = graph
        self.source = source
        self.activity = source.activity(imported_on)
        self.imported_on = imported_on

    def add(self, s, p, o) -> None:
        self.graph.add((s, p, o))

    # ---- evidence ------------------------------------------------------------------------

    def _fragment(self, subject: URIRef, source: URIRef, standard: URIRef, value: str, key: str | None = None) -> URIRef:
        """``subject gk:evidence <e>``, where ``<e>`` is the oa:SpecificResource of one place of a
        source file: an IRI made from the file and the selector (``evidence/gulagmap-2018-
        statistics-csv/row-54``, ``evidence/gulagmap-2017-camps-json/12/people_1940``), so that
        every node resting on the same record shares it, and no blank node is needed."""
        g = self.graph
        local = str(source).removeprefix(str(ID["source/"]))
        evidence = ID[f"evidence/{local}/" + quote((key or value).lstrip("/").replace("=", "-").replace(",", "-"), safe="/_-.")]
        selector = URIRef(f"{evidence}#selector")
        g.add((subject, GK.evidence, evidence))
        g.add((evidence, RDF.type, OA.SpecificResource))
        g.add((evidence, OA.hasSource, source))
        g.add((evidence, OA.hasSelector, selector))
        g.add((selector, RDF.type, OA.FragmentSelector))
        g.add((selector, DCTERMS.conformsTo, standard))
        g.add((selector, RDF.value, Literal(value)))
        return selector

    def evidence(self, subject: URIRef, record: Record, *fields: str) -> None:
        """``gk:evidence`` pointing at the record (or at each of the named fields of it)."""
        for name in fields or (None,):
            standard, value = record.selector(name)
            self._fragment(subject, self.source.file_node(record.file), standard, value)

    def pointer(self, subject: URIRef, file: str, pointer: str) -> None:
        """``gk:evidence`` into a JSON file with an RFC 6901 pointer."""
        self._fragment(subject, self.source.file_node(file), RFC6901, pointer)

    def readme_evidence(self, subject: URIRef, *names: str) -> None:
        """``gk:evidence`` into the data set's README: an RFC 5147 ``line=N-1,N`` selector refined
        by the verbatim words (which ``gulag-kg check-quotes`` does not look at: the README is
        not a stored project text)."""
        for name in names:
            line, quote = self.source.readme_quotes[name]
            selector = self._fragment(subject, self.source.readme, RFC5147, f"line={line - 1},{line}", key=name)
            refined = URIRef(str(selector).replace("#selector", "#quote"))
            self.graph.add((selector, OA.refinedBy, refined))
            self.graph.add((refined, RDF.type, OA.TextQuoteSelector))
            self.graph.add((refined, OA.exact, Literal(quote)))

    # ---- nodes ---------------------------------------------------------------------------

    def generated(self, subject: URIRef, notes: Iterable[str] = ()) -> None:
        self.graph.add((subject, PROV.wasGeneratedBy, self.activity))
        self.graph.add((subject, PROV.wasDerivedFrom, self.source.dataset))
        for note in notes:
            self.graph.add((subject, SKOS.editorialNote, Literal(note, lang="en")))

    def labels(self, subject: URIRef, en: str, ru: str = "", *, alt: bool = False) -> None:
        predicate = SKOS.altLabel if alt else RDFS.label
        self.graph.add((subject, predicate, Literal(en, lang="en")))
        if ru:
            self.graph.add((subject, predicate, Literal(ru, lang="ru")))

    def entity(self, subject: URIRef, types: Iterable[URIRef], record: Record, *fields: str,
               en: str, ru: str = "", notes: Iterable[str] = ()) -> None:
        """A typed, labelled node from a record, with its provenance."""
        for cls in types:
            self.graph.add((subject, RDF.type, cls))
        self.labels(subject, en, ru)
        self.generated(subject, notes)
        self.evidence(subject, record, *fields)

    def claim(
        self,
        iri: URIRef,
        *,
        subject: URIRef,
        prop: URIRef,
        record: Record,
        fields: Iterable[str] = (),
        value: rdflib.term.Node | None = None,
        lower: int | None = None,
        upper: int | None = None,
        unit: URIRef | None = None,
        period: str | None = None,
        claimant: URIRef,
        method: URIRef = VOCAB["method/unspecified"],
        stance: URIRef = VOCAB["stance/asserted"],
        qualifier: Literal | None = None,
        stance_reason: str | None = None,
        about_place: URIRef | None = None,
        notes: Iterable[str] = (),
    ) -> URIRef:
        """A ``gk:Claim`` of the data set (stated in it, claimed by ``claimant``), with evidence."""
        g = self.graph
        g.add((iri, RDF.type, GK.Claim))
        g.add((iri, GK.subject, subject))
        g.add((iri, GK.property, prop))
        if value is not None:
            g.add((iri, GK.value, value))
        if lower is not None:
            g.add((iri, GK.lowerBound, Literal(lower, datatype=XSD.integer)))
        if upper is not None:
            g.add((iri, GK.upperBound, Literal(upper, datatype=XSD.integer)))
        if unit is not None:
            g.add((iri, GK.unit, unit))
        if period:
            g.add((iri, GK.period, Literal(period, datatype=EDTF.EDTF)))
        g.add((iri, GK.claimant, claimant))
        g.add((iri, GK.statedIn, self.source.dataset))
        g.add((iri, GK.method, method))
        g.add((iri, GK.rank, GK.NormalRank))
        g.add((iri, GK.stance, stance))
        if qualifier is not None:
            g.add((iri, GK.qualifier, qualifier))
        if stance_reason:
            g.add((iri, GK.stanceReason, Literal(stance_reason, lang="en")))
        if about_place is not None:
            g.add((iri, GK.aboutPlace, about_place))
        g.add((iri, PROV.wasAttributedTo, CURATORS))
        self.generated(iri, notes)
        self.evidence(iri, record, *fields)
        return iri

    def event(self, iri: URIRef, *, kind: URIRef, label: str, involved: Iterable[URIRef], date_: str | None,
              record: Record, fields: Iterable[str] = (), location: URIRef | None = None,
              notes: Iterable[str] = ()) -> URIRef:
        g = self.graph
        g.add((iri, RDF.type, GK.Event))
        g.add((iri, RDFS.label, Literal(label, lang="en")))
        g.add((iri, GK.eventType, kind))
        for node in involved:
            g.add((iri, GK.involved, node))
        if date_:
            g.add((iri, GK.date, Literal(date_, datatype=EDTF.EDTF)))
        if location is not None:
            g.add((iri, GK.location, location))
        self.generated(iri, notes)
        self.evidence(iri, record, *fields)
        return iri

    def anomaly(self, anomaly: Anomaly) -> URIRef:
        """A ``gk:DataAnomaly`` on the flagged node, with the records it rests on as evidence (its
        own IRI per kind and node, so that ``shapes/imports.shacl.ttl`` gives one SHACL warning per
        flagged node and kind)."""
        local = str(anomaly.subject).removeprefix(str(ID))
        iri = ID[f"anomaly/{self.source.slug}/{anomaly.kind}/{local}"]
        g = self.graph
        g.add((anomaly.subject, GKC.anomaly, iri))
        g.add((iri, RDF.type, GKC.DataAnomaly))
        g.add((iri, GKC.anomalyType, ANOMALY[anomaly.kind]))
        g.add((iri, RDFS.comment, Literal(anomaly.message, lang="en")))
        g.add((iri, PROV.wasGeneratedBy, self.activity))
        for record, name in anomaly.records:
            self.evidence(iri, record, *((name,) if name else ()))
        return iri

    # ---- the data set and the import -------------------------------------------------------

    def file(self, path: Path, *, label: str) -> None:
        node, g = self.source.file_node(path.name), self.graph
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, RDF.type, SCHEMA.DataDownload))
        g.add((node, RDFS.label, Literal(label, lang="en")))
        g.add((node, SCHEMA.name, Literal(path.name)))
        g.add((node, SCHEMA.encodingFormat, Literal("text/csv" if path.suffix == ".csv" else "application/json")))
        g.add((node, SCHEMA.sha256, Literal(_sha256(path))))
        g.add((node, SCHEMA.isPartOf, self.source.dataset))
        g.add((self.source.dataset, SCHEMA.hasPart, node))

    def readme(self, directory_name: str) -> None:
        node, g = self.source.readme, self.graph
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, RDF.type, SCHEMA.DigitalDocument))
        g.add((node, RDFS.label, Literal(f"README of the {self.source.title} data", lang="en")))
        g.add((node, SCHEMA.about, self.source.dataset))
        comment = f"README.md of the data directory ({directory_name}), the source of the quotes about the data set."
        g.add((node, RDFS.comment, Literal(comment, lang="en")))

    def import_activity(self, *, tool_version: str, counts: Iterable[FileCount]) -> None:
        g, act = self.graph, self.activity
        g.add((act, RDF.type, PROV.Activity))
        g.add((act, RDFS.label, Literal(f"Import of the {self.source.title} data, {self.imported_on.isoformat()}", lang="en")))
        g.add((act, DCTERMS.date, Literal(self.imported_on.isoformat(), datatype=XSD.date)))
        g.add((act, PROV.used, self.source.dataset))
        for name in self.source.files:
            g.add((act, PROV.used, self.source.file_node(name)))
        g.add((act, PROV.wasAssociatedWith, IMPORTER))
        g.add((act, PROV.wasAssociatedWith, CURATORS))
        summary = "; ".join(
            f"{c.file}: {c.read} read, {c.imported} imported, {c.skipped} skipped (no data), {c.rejected} rejected"
            for c in counts
        )
        g.add((act, RDFS.comment, Literal(summary + ".", lang="en")))
        g.add((IMPORTER, RDF.type, PROV.SoftwareAgent))
        g.add((IMPORTER, RDFS.label, Literal("gulag-kg importer", lang="en")))
        g.add((IMPORTER, SCHEMA.softwareVersion, Literal(tool_version)))
        g.add((CURATORS, RDF.type, PROV.Agent))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
