"""Namespaces of gulag-kg and of the vocabularies it reuses.

One place for every IRI prefix the project writes, so that exports use fixed prefixes and a
misspelt term fails at once (``GK.deths`` raises ``AttributeError``).
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/gulag-kg/"
ID = Namespace(BASE + "id/")
VOCAB = Namespace(BASE + "vocab/")
GRAPH = Namespace(BASE + "graph/")


class GK(DefinedNamespace):
    """The gulag-kg ontology (``ontology/gulag.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    # classes
    Organisation: URIRef
    Agency: URIRef
    GoverningBody: URIRef
    Person: URIRef
    ChangeEvent: URIRef
    DetentionSite: URIRef
    CampAdministration: URIRef
    Camp: URIRef
    CampPoint: URIRef
    Colony: URIRef
    SpecialSettlement: URIRef
    Sharashka: URIRef
    Prison: URIRef
    Place: URIRef
    Work: URIRef
    SourceDocument: URIRef
    LegalAct: URIRef
    Event: URIRef
    Claim: URIRef
    ClaimProperty: URIRef
    QuantityProperty: URIRef
    RelationProperty: URIRef
    Rank: URIRef
    PreferredRank: URIRef
    NormalRank: URIRef
    DeprecatedRank: URIRef
    ExternalLink: URIRef
    # claim structure
    subject: URIRef
    property: URIRef
    value: URIRef
    lowerBound: URIRef
    upperBound: URIRef
    unit: URIRef
    defaultUnit: URIRef
    period: URIRef
    periodStart: URIRef
    periodEnd: URIRef
    claimant: URIRef
    statedIn: URIRef
    evidence: URIRef
    method: URIRef
    rank: URIRef
    stance: URIRef
    stanceReason: URIRef
    aboutCategory: URIRef
    aboutPlace: URIRef
    qualifier: URIRef
    disputes: URIRef
    revises: URIRef
    summarises: URIRef
    sameFigureAs: URIRef
    # claim properties
    prisonerPopulation: URIRef
    prisonersPassedThrough: URIRef
    deaths: URIRef
    mortalityRate: URIRef
    releases: URIRef
    arrests: URIRef
    convictions: URIRef
    executions: URIRef
    deportations: URIRef
    numberOfCamps: URIRef
    numberOfColonies: URIRef
    shareOfPopulation: URIRef
    shareOfOutput: URIRef
    economicFigure: URIRef
    duration: URIRef
    count: URIRef
    subordinateTo: URIRef
    head: URIRef
    establishedBy: URIRef
    abolishedBy: URIRef
    existence: URIRef
    locatedIn: URIRef
    imprisonedIn: URIRef
    heldBy: URIRef
    exiledTo: URIRef
    subjectToAct: URIRef
    amendment: URIRef
    officeRank: URIRef
    insignia: URIRef
    interpretation: URIRef
    rejectsInterpretation: URIRef
    sourceAssessment: URIRef
    archiveAccess: URIRef
    # entity properties
    siteType: URIRef
    activity: URIRef
    location: URIRef
    partOf: URIRef
    role: URIRef
    nationality: URIRef
    workType: URIRef
    actType: URIRef
    actNumber: URIRef
    issuedBy: URIRef
    eventType: URIRef
    involved: URIRef
    date: URIRef
    changeType: URIRef
    abbreviation: URIRef
    literalTranslation: URIRef
    mentionedIn: URIRef
    sha256: URIRef
    localCopy: URIRef
    retrievalPeriod: URIRef
    attribution: URIRef
    linkConfidence: URIRef
    linkNote: URIRef


ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
EDTF = Namespace("http://id.loc.gov/datatypes/edtf/")
WD = Namespace("http://www.wikidata.org/entity/")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: The prefixes every serialisation of gulag-kg uses, in this order.
PREFIXES: dict[str, str] = {
    "gk": str(GK._NS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "org": str(ORG),
    "prov": str(PROV),
    "oa": str(OA),
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "geo": str(GEO),
    "edtf": str(EDTF),
    "wd": str(WD),
    "gkv": str(VOCAB),
    "unit": str(VOCAB) + "unit/",
    "sitetype": str(VOCAB) + "site-type/",
    "method": str(VOCAB) + "method/",
    "stance": str(VOCAB) + "stance/",
    "role": str(VOCAB) + "role/",
    "worktype": str(VOCAB) + "work-type/",
    "acttype": str(VOCAB) + "act-type/",
    "eventtype": str(VOCAB) + "event-type/",
    "changetype": str(VOCAB) + "change-type/",
    "activity": str(VOCAB) + "activity/",
    "interpretation": str(VOCAB) + "interpretation/",
    "agency": str(ID) + "agency/",
    "camp": str(ID) + "camp/",
    "place": str(ID) + "place/",
    "person": str(ID) + "person/",
    "work": str(ID) + "work/",
    "act": str(ID) + "act/",
    "event": str(ID) + "event/",
    "change": str(ID) + "change/",
    "cat": str(ID) + "category/",
    "claim": str(ID) + "claim/",
    "source": str(ID) + "source/",
    "agent": str(ID) + "agent/",
    "link": str(ID) + "link/",
}


def bind_prefixes(graph) -> None:
    """Bind the project's prefixes on an rdflib graph or dataset (replacing rdflib's defaults)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
