"""Namespaces of gulag-kg and of the vocabularies it reuses.

One place for every IRI prefix the project writes, so that exports use fixed prefixes and a
misspelt term fails at once (``GK.deths`` raises ``AttributeError``).
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, DefinedNamespace

from .prefixes import BASE, GK_NS, GRAPH_NS, ID_NS, PREFIXES, VOCAB_NS  # noqa: F401 (re-exported)

ID = Namespace(ID_NS)
VOCAB = Namespace(VOCAB_NS)
GRAPH = Namespace(GRAPH_NS)


class GK(DefinedNamespace):
    """The gulag-kg ontology (``ontology/gulag.ttl``)."""

    _fail = True
    _NS = Namespace(GK_NS)

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
    linkScore: URIRef
    linkMethod: URIRef
    # issue 13: contradictions, source defects, places near others, one kind of quantity per property
    contradicts: URIRef
    oneValueAtATime: URIRef
    allowedUnit: URIRef
    SourceDefect: URIRef
    Retired: URIRef
    near: URIRef
    locatedNear: URIRef
    termProposedBy: URIRef
    annualDeaths: URIRef
    shareOfDeaths: URIRef
    percentIncrease: URIRef
    percentDecrease: URIRef
    proportion: URIRef
    ratio: URIRef
    relativeMortality: URIRef
    campsSetUp: URIRef
    campsDisbanded: URIRef
    numberOfCampAdministrations: URIRef
    numberOfItems: URIRef
    foodRation: URIRef


ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
EDTF = Namespace("http://id.loc.gov/datatypes/edtf/")
WD = Namespace("http://www.wikidata.org/entity/")
SH = Namespace("http://www.w3.org/ns/shacl#")

def bind_prefixes(graph) -> None:
    """Bind the project's prefixes on an rdflib graph or dataset (replacing rdflib's defaults)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
