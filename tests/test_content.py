"""Checks over the content of the whole shipped graph: figures against their quotes, labels,
types, periods, the classes of relation values, and roles of people.

Each check lists its justified exceptions explicitly, with the reason, and also checks that every
exception is still needed, so the lists cannot silently go stale.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

import pytest

import gulag_kg
from gulag_kg.namespaces import PREFIXES

ID = "https://w3id.org/gulag-kg/id/"
_NAMESPACES = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def curie(iri: str) -> str:
    for prefix, ns in _NAMESPACES:
        if prefix and iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def select(kg, query: str) -> list[dict[str, str | None]]:
    return kg.query(query).as_dicts()


# --- a normaliser for the figures written in a quote ----------------------------------------

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
          "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}
_SCALES = {"thousand": 10**3, "k": 10**3, "million": 10**6, "billion": 10**9, "decades": 10}
# words for fractions, as a percentage and as a ratio
_FRACTIONS = {"half": ("50", "0.5"), "a quarter": ("25", "0.25"), "one third": ("33.3", "33.33"),
              "three quarters": ("75", "0.75")}
# vague plurals: the least number they can mean, admissible only as a lower bound
_FLOORS = {"hundreds of thousands": 10**5, "tens of thousands": 10**4, "hundreds": 100,
           "thousands": 10**3, "millions": 10**6}
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + "|".join(sorted(_WORDS, key=len, reverse=True))
_TOKEN = re.compile(rf"(?<![\w.,])({_NUMBER})(?:fold)?(?:\s*(?:%|percent))?(?:\s*({'|'.join(_SCALES)})\b)?", re.I)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|to|and|or)\s*", re.I)


def figures_in(text: str) -> tuple[set[Decimal], set[Decimal]]:
    """(numbers the text writes, least numbers its vague plurals can mean).

    "1,053,829", "1.6 million", "60k", "460 thousand", "19.4 percent", "46.5%", "eight",
    "fourfold", "four decades", "half", "a quarter", "one third"; the left end of a range shares
    the scale of the right end ("1.2 to 1.7 million", "6–7 million"). "hundreds of thousands"
    gives the floor 100,000.
    """
    exact: set[Decimal] = set()
    floors: set[Decimal] = set()
    previous: tuple[int, Decimal, bool] | None = None  # (end, value, scaled)
    for m in _TOKEN.finditer(text):
        token = m.group(1).lower()
        value = Decimal(_WORDS[token]) if token in _WORDS else Decimal(token.replace(",", ""))
        scale = _SCALES.get((m.group(2) or "").lower())
        exact.add(value)
        if scale:
            exact.add(value * scale)
            if previous and not previous[2] and _RANGE_JOIN.fullmatch(text[previous[0]:m.start()]):
                exact.add(previous[1] * scale)
        previous = (m.end(), value, bool(scale))
    lowered = text.lower()
    for phrase, values in _FRACTIONS.items():
        if re.search(rf"\b{phrase}\b", lowered):
            exact.update(Decimal(v) for v in values)
    for phrase, value in _FLOORS.items():
        if re.search(rf"\b{phrase}\b", lowered):
            floors.add(Decimal(value))
    return exact, floors


@pytest.mark.parametrize(("text", "number"), [
    ("estimates 1,053,829 people died", "1053829"),
    ("upwards of 1.6 million in 1939", "1600000"),
    ("about half of all deaths", "50"),
    ("half as productive as free laborers", "0.5"),
    ("by 19.4 percent to 1,258,537", "19.4"),
    ("46.5% of the nation's nickel", "46.5"),
    ("survived eight years", "8"),
    ("a quarter of the Gulag's population", "25"),
    ("at least one third of all inmates", "33.3"),
    ("ranged from 1.2 to 1.7 million", "1200000"),
    ("ranged from 1.2 to 1.7 million", "1700000"),
    ("A further 6–7 million were deported", "6000000"),
    ("between 1.5 and 1.7 million", "1500000"),
    ("60k were imprisoned", "60000"),
    ("460 thousand were imprisoned", "460000"),
    ("nearly four decades", "40"),
    ("prosecutions rose fourfold", "4"),
    ("800,000–850,000 excess deaths", "800000"),
])
def test_normaliser_reads_the_figure(text, number):
    assert Decimal(number) in figures_in(text)[0]


@pytest.mark.parametrize(("text", "number"), [
    ("estimates 1,053,829 people died", "1053828"),
    ("upwards of 1.6 million in 1939", "1500000"),
    ("1.6 million", "1.6000001"),
    ("tens of thousands of prisoners", "10000"),   # a vague plural is a floor, not a written figure
    ("in 1,539,475 POWs", "1539"),
    ("from 1930 to 1953, 20% to 40%", "1930000000"),
])
def test_normaliser_does_not_invent_figures(text, number):
    assert Decimal(number) not in figures_in(text)[0]


def test_normaliser_reads_vague_plurals_as_floors_only():
    exact, floors = figures_in("hundreds of thousands were arrested")
    assert Decimal(100000) in floors and Decimal(100000) not in exact


# --- every figure of a quantity claim is written in its quote --------------------------------

# (claim, field, number): why the quote does not write the number
NOT_WRITTEN = {
    ("claim:count-soviet-union-1933-prison-intake-wikipedia", "lowerBound", "1"):
        "'more new incoming inmates than the three previous years combined' (line 131): a ratio "
        "above 1 to those three years, which the quote states in words, not as a figure",
    ("claim:duration-laws-of-mid-1940-wikipedia", "upperBound", "12"):
        "'4 months to one year' (line 71): the claim counts the range in months, so one year is 12",
    ("claim:mortality-rate-norilsk-wikipedia", "upperBound", "1"):
        "'lower than across the camp system as a whole' (line 152): a ratio below 1 to the system's "
        "mortality, stated in words",
}

_QUANTITY_CLAIMS = """
SELECT ?claim ?field ?number ?exact WHERE {
  ?claim a gk:Claim ; gk:property ?p ; gk:evidence/oa:hasSelector/oa:exact ?exact .
  ?p a gk:QuantityProperty .
  VALUES (?field ?f) { ("value" gk:value) ("lowerBound" gk:lowerBound) ("upperBound" gk:upperBound) }
  ?claim ?f ?number .
}
"""


def _unwritten_figures(kg) -> dict[tuple[str, str, str], list[str]]:
    quotes: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for row in select(kg, _QUANTITY_CLAIMS):
        quotes[(curie(row["claim"]), row["field"], row["number"])].append(row["exact"])
    assert len(quotes) > 150, "the query found the quantity claims"
    missing = {}
    for (claim, field, number), texts in quotes.items():
        exact: set[Decimal] = set()
        floors: set[Decimal] = set()
        for text in texts:
            e, f = figures_in(text)
            exact |= e
            floors |= f
        value = Decimal(number)
        if value in exact or (field == "lowerBound" and value in floors):
            continue
        missing[(claim, field, number)] = texts
    return missing


def test_every_figure_of_a_quantity_claim_is_written_in_its_quote(kg):
    missing = _unwritten_figures(kg)
    unexpected = {k: v for k, v in missing.items() if k not in NOT_WRITTEN}
    assert not unexpected, "figures not written in their quotes:\n" + "\n".join(
        f"  {claim} {field}={number}: {texts}" for (claim, field, number), texts in sorted(unexpected.items()))
    stale = set(NOT_WRITTEN) - set(missing)
    assert not stale, f"exceptions no longer needed (the quote now writes the figure, or the claim changed): {sorted(stale)}"


def test_the_figure_check_catches_a_figure_its_quote_does_not_write(tmp_path):
    path = tmp_path / "test-data.ttl"
    path.write_text("""
@prefix gk: <https://w3id.org/gulag-kg/ontology#> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix claim: <https://w3id.org/gulag-kg/id/claim/> .
claim:test-data-wrong-figure a gk:Claim ; gk:property gk:deaths ; gk:value 1600001 ;
    gk:evidence [ oa:hasSelector [ oa:exact "Test data: 1.6 million died." ] ] .
""", encoding="utf-8")
    missing = _unwritten_figures(gulag_kg.load([path]))
    assert ("claim:test-data-wrong-figure", "value", "1600001") in missing


# --- entities: types and English labels -----------------------------------------------------


def test_every_entity_used_as_an_object_has_a_type_and_an_english_label(kg):
    rows = select(kg, f"""
        SELECT DISTINCT ?o (BOUND(?type) AS ?typed) (BOUND(?label) AS ?labelled) WHERE {{
          ?s ?p ?o FILTER (isIRI(?o) && STRSTARTS(STR(?o), "{ID}"))
          OPTIONAL {{ ?o a ?type }}
          OPTIONAL {{ ?o rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "en")) }}
        }}""")
    assert len(rows) > 300
    bad = sorted(curie(r["o"]) for r in rows if r["typed"] != "true" or r["labelled"] != "true")
    assert not bad, f"entities without rdf:type or English rdfs:label: {bad}"


def test_no_entity_has_two_english_labels(kg):
    rows = select(kg, f"""
        SELECT ?s (GROUP_CONCAT(?l; SEPARATOR=" | ") AS ?labels) WHERE {{
          ?s rdfs:label ?l FILTER (LANG(?l) = "en" && STRSTARTS(STR(?s), "{ID}"))
        }} GROUP BY ?s HAVING (COUNT(DISTINCT ?l) > 1)""")
    assert not rows, f"entities with two English labels: {rows}"


# English label (case and spaces folded) -> the entities that justly share it
SHARED_LABELS = {
    # line 348: Michel Solomon's memoir is titled after the city (lines 5, 119, 121)
    "magadan": {"place:magadan", "work:solomon-magadan"},
}


def test_no_two_entities_share_an_english_label(kg):
    rows = select(kg, f"""SELECT ?s ?l WHERE {{
        ?s rdfs:label ?l FILTER (LANG(?l) = "en" && STRSTARTS(STR(?s), "{ID}")) }}""")
    by_label: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        by_label[" ".join(r["l"].casefold().split())].add(curie(r["s"]))
    shared = {label: entities for label, entities in by_label.items() if len(entities) > 1}
    assert shared == SHARED_LABELS, "entities sharing an English label (duplicates under two slugs?)"


# --- periods --------------------------------------------------------------------------------


def test_every_period_and_date_is_read_and_lies_between_1600_and_2030(kg):
    rows = select(kg, """
        SELECT ?s ?when (YEAR(?start) AS ?from) (YEAR(?end) AS ?to) (EXISTS { ?s a gk:Claim } AS ?claim) WHERE {
          ?s gk:period|gk:date ?when .
          OPTIONAL { ?s gk:periodStart ?start }
          OPTIONAL { ?s gk:periodEnd ?end }
        }""")
    assert sum(r["claim"] == "true" for r in rows) > 100
    unread = [(curie(r["s"]), r["when"]) for r in rows if r["from"] is None and r["to"] is None]
    assert not unread, f"periods the loader could not read: {unread}"
    outside = [(curie(r["s"]), r["when"]) for r in rows
               if any(y is not None and not 1600 <= int(y) <= 2030 for y in (r["from"], r["to"]))]
    assert not outside, f"periods outside 1600-2030: {outside}"


# --- relation claims point to things of the right kind ---------------------------------------

# claim property -> the classes its value may have (subclasses included)
VALUE_CLASSES = {
    "subordinateTo": {"gk:Organisation"},
    "head": {"gk:Person"},
    "locatedIn": {"gk:Place"},
    "exiledTo": {"gk:Place"},
    # a named place of detention, or the Gulag as a whole where the source names no camp
    "imprisonedIn": {"gk:DetentionSite", "gk:Agency"},
}


@pytest.mark.parametrize("prop", sorted(VALUE_CLASSES))
def test_relation_claims_point_to_things_of_the_right_class(kg, prop):
    rows = select(kg, f"""
        SELECT ?claim ?value (GROUP_CONCAT(DISTINCT STR(?super); SEPARATOR=" ") AS ?classes) WHERE {{
          ?claim a gk:Claim ; gk:property gk:{prop} ; gk:value ?value .
          OPTIONAL {{ ?value a/rdfs:subClassOf* ?super }}
        }} GROUP BY ?claim ?value""")
    assert rows, f"no gk:{prop} claims"
    wanted = VALUE_CLASSES[prop]
    bad = [(curie(r["claim"]), curie(r["value"])) for r in rows
           if not wanted & {curie(c) for c in (r["classes"] or "").split()}]
    assert not bad, f"gk:{prop} claims whose value is not a {wanted}: {bad}"


def test_imprisoned_in_an_agency_means_the_gulag_itself(kg):
    rows = select(kg, """SELECT DISTINCT ?value WHERE {
        ?claim gk:property gk:imprisonedIn ; gk:value ?value . ?value a gk:Agency }""")
    assert {curie(r["value"]) for r in rows} == {"agency:gulag"}


# --- people and their roles -----------------------------------------------------------------

# person -> why the article gives no role of the role scheme
PEOPLE_WITHOUT_ROLE = {
    "person:anders": "'Polish General' (line 61): no military role in the role scheme",
    "person:arendt": "'Hannah Arendt argues' (lines 180-183): the article gives no profession",
    "person:dimitrov": "a defendant in the Leipzig trial beside Popov (line 243): no role stated",
    "person:dostoevsky": "sentenced to die, the sentence commuted to banishment to Siberia (line 33): an exile, no role stated",
    "person:hasanova": "the daughter interviewed about her father (line 334): no role stated",
    "person:lopatnikov": "'according to Leonid Lopatnikov' (line 187): no role stated",
    "person:maksudov": "'Sergei Maksudov alleged' (line 189): no role stated",
    "person:ordzhonikidze": "a Bolshevik sent into exile (line 33): no role stated",
    "person:pohl": "'J. Otto Pohl's incomplete data' (line 95): no role stated",
    "person:tanev": "a defendant in the Leipzig trial beside Popov (line 243): no role stated",
}


def test_every_person_has_a_role_unless_the_article_states_none(kg):
    rows = select(kg, "SELECT ?p WHERE { ?p a gk:Person FILTER NOT EXISTS { ?p gk:role ?r } }")
    assert {curie(r["p"]) for r in rows} == set(PEOPLE_WITHOUT_ROLE)


def test_roles_are_concepts_of_the_role_scheme(kg):
    rows = select(kg, """SELECT DISTINCT ?role WHERE {
        ?p a gk:Person ; gk:role ?role FILTER NOT EXISTS { ?role skos:inScheme gkv:role } }""")
    assert not rows


# --- issue 13: the kinds of defect a full pass over the graph found, kept from coming back ------

# claim -> why a year of its period is not written in its quotes
PERIOD_NOT_WRITTEN = {
    "claim:duration-soviet-union-petty-theft-1-year-before-1953-wikipedia":
        "'From 1953 ... having previously been one year' (line 23): the period ends the year before 1953",
    "claim:duration-soviet-union-petty-theft-7-years-before-1953-wikipedia":
        "'From 1953 ... having previously been ... seven years' (line 23): the period ends the year before 1953",
    "claim:imprisonedin-markovic-stedimlija-1945-wikipedia-en-gulag":
        "'in 1945 ... spent ten years in the Gulag' (line 241): the end is 1945 plus the ten years, approximate",
}


def _years(edtf: str) -> set[str]:
    return set(re.findall(r"\d{3}[\dX]", edtf))


def _written(year: str, text: str) -> bool:
    if "X" in year:  # a decade: "the 1920s", "1930s"
        return year.replace("X", "0") + "s" in text or year.replace("X", "0") in text
    return year in text or f"–{year[2:]}" in text or f"-{year[2:]}" in text  # "1941–43"


def test_every_year_of_a_claims_period_is_written_in_its_quotes(kg):
    rows = select(kg, """SELECT ?claim ?period (GROUP_CONCAT(?q; SEPARATOR=" || ") AS ?quotes) WHERE {
        ?claim a gk:Claim ; gk:period ?period ; gk:evidence/oa:hasSelector/oa:exact ?q } GROUP BY ?claim ?period""")
    assert len(rows) > 100
    missing = {curie(r["claim"]): r["period"] for r in rows
               if not all(_written(y, r["quotes"]) for y in _years(r["period"]))}
    unexpected = {c: p for c, p in missing.items() if c not in PERIOD_NOT_WRITTEN}
    assert not unexpected, f"periods not in the quote (add the quote that states them, or no period): {unexpected}"
    assert not set(PERIOD_NOT_WRITTEN) - set(missing), "exceptions no longer needed"


def test_the_period_check_catches_a_period_its_quote_does_not_write(tmp_path):
    path = tmp_path / "period.ttl"
    path.write_text("""
@prefix gk: <https://w3id.org/gulag-kg/ontology#> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix claim: <https://w3id.org/gulag-kg/id/claim/> . @prefix edtf: <http://id.loc.gov/datatypes/edtf/> .
claim:test-period a gk:Claim ; gk:period "1945/1947"^^edtf:EDTF ;
    gk:evidence [ oa:hasSelector [ oa:exact "When the war ended, as many as two million were repatriated." ] ] .
""", encoding="utf-8")
    row = select(gulag_kg.load([path]), """SELECT ?q WHERE { claim:test-period gk:evidence/oa:hasSelector/oa:exact ?q }""")[0]
    assert not all(_written(y, row["q"]) for y in _years("1945/1947"))


def _labels(kg) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for r in select(kg, "SELECT ?x ?l WHERE { ?x rdfs:label|skos:altLabel ?l }"):
        out[r["x"]].add(r["l"])
    return out


def test_each_place_is_part_of_another_in_the_articles_own_words(kg):
    rows = select(kg, """SELECT ?a ?b (GROUP_CONCAT(?q; SEPARATOR=" || ") AS ?quotes) WHERE {
        ?a a gk:Place ; gk:partOf ?b . ?b a gk:Place . ?a gk:evidence/oa:hasSelector/oa:exact ?q } GROUP BY ?a ?b""")
    labels = _labels(kg)
    assert {(curie(r["a"]), curie(r["b"])) for r in rows} >= {("place:kolyma-river", "place:kolyma"),
                                                              ("place:kazakhstan", "place:soviet-union")}
    for r in rows:
        assert any(l in r["quotes"] for l in labels[r["b"]]), f"{curie(r['a'])} part of {curie(r['b'])}: no quote names it"


def test_near_close_to_and_along_are_not_made_in(kg):
    rows = select(kg, """SELECT ?site ?place (GROUP_CONCAT(?q; SEPARATOR=" || ") AS ?quotes) WHERE {
        ?site gk:location ?place ; gk:evidence/oa:hasSelector/oa:exact ?q } GROUP BY ?site ?place""")
    labels = _labels(kg)
    wrong = [(curie(r["site"]), curie(r["place"])) for r in rows for l in labels[r["place"]]
             if re.search(rf"\b(near|close to|along|both near)\s+{re.escape(l)}", r["quotes"])]
    assert not wrong, f"gk:location where the source says near: use gk:near {wrong}"
    near = {(curie(r["s"]), curie(r["p"])) for r in select(kg, "SELECT ?s ?p WHERE { ?s gk:near ?p }")}
    assert {("camp:omsuchkan", "place:magadan"), ("camp:norillag", "place:norilsk"), ("camp:sevvostlag", "place:kolyma-river"),
            ("camp:burepolom", "place:vyatka"), ("camp:nuksha-2", "place:vyatka")} <= near


def test_what_the_source_says_of_the_whole_penal_system_is_a_claim_on_the_whole(kg):
    rows = select(kg, """SELECT ?claim ?subject WHERE { ?claim a gk:Claim ; gk:subject ?subject ; gk:value agency:ogpu ;
        gk:evidence/oa:hasSelector/oa:exact ?q FILTER (CONTAINS(?q, "control of the entire Soviet penal system")) }""")
    assert {curie(r["subject"]) for r in rows} == {"camp:soviet-penal-system"}
    parts = {curie(r["p"]) for r in select(kg, "SELECT ?p WHERE { ?p gk:partOf camp:soviet-penal-system }")}
    assert parts == {"camp:traditional-prison-system", "camp:cheka-special-camps"}


def test_the_nkvd_of_1934_1946_keeps_the_wikidata_link_and_the_1920s_prison_administration_is_apart(kg):
    links = {curie(r["s"]): r["o"] for r in select(kg, "SELECT ?s ?o WHERE { ?s owl:sameAs ?o FILTER(STRSTARTS(STR(?s), STR(agency:))) }")}
    assert links["agency:nkvd"] == "http://www.wikidata.org/entity/Q182449"
    assert "agency:nkvd-1920s" not in links
    # the 1920s wording (lines 38, 47) never supports the NKVD of 1934-1946
    early = ("People's Commissariat of Internal Affairs", "still under the purview of the NKVD")
    rows = select(kg, """SELECT ?x ?q WHERE { { ?x gk:evidence/oa:hasSelector/oa:exact ?q FILTER (?x = agency:nkvd) }
        UNION { ?x gk:value agency:nkvd ; gk:evidence/oa:hasSelector/oa:exact ?q }
        UNION { ?x org:originalOrganization|org:resultingOrganization agency:nkvd ; gk:evidence/oa:hasSelector/oa:exact ?q } }""")
    assert not [(curie(r["x"]), r["q"][:60]) for r in rows if any(e in r["q"] for e in early)]


def test_a_work_does_not_take_the_year_of_an_edition_unless_its_own_words_give_it(kg):
    rows = select(kg, """SELECT ?work ?edition ?year (GROUP_CONCAT(DISTINCT ?q; SEPARATOR=" || ") AS ?quotes)
        (GROUP_CONCAT(DISTINCT ?eq; SEPARATOR=" || ") AS ?editionQuotes) WHERE {
          ?edition schema:exampleOfWork|schema:translationOfWork ?work .
          ?work schema:datePublished ?year . ?edition schema:datePublished ?year .
          ?work gk:evidence/oa:hasSelector/oa:exact ?q . ?edition gk:evidence/oa:hasSelector/oa:exact ?eq
        } GROUP BY ?work ?edition ?year""")
    for r in rows:
        own = [q for q in r["quotes"].split(" || ") if q not in r["editionQuotes"].split(" || ")]
        assert any(r["year"] in q for q in own), f"{curie(r['work'])} has the year of its edition {curie(r['edition'])}"
    editions = {curie(r["e"]): curie(r["w"]) for r in select(kg, "SELECT ?e ?w WHERE { ?e schema:exampleOfWork ?w }")}
    assert editions["work:shalamov-kolyma-tales-penguin-1995"] == "work:shalamov-kolyma-tales"
    assert not select(kg, "SELECT ?y WHERE { work:shalamov-kolyma-tales schema:datePublished ?y }")


def test_kinds_of_works_follow_the_source_s_words(kg):
    rows = select(kg, """SELECT ?work (GROUP_CONCAT(DISTINCT STR(?type); SEPARATOR=" ") AS ?types)
        (GROUP_CONCAT(?q; SEPARATOR=" || ") AS ?quotes) WHERE {
          ?work gk:workType ?type ; gk:evidence/oa:hasSelector/oa:exact ?q } GROUP BY ?work""")
    for r in rows:
        types = {curie(t) for t in r["types"].split()}
        if re.search(r"\ba novella\b", r["quotes"]):
            assert "worktype:novella" in types and "worktype:novel" not in types, curie(r["work"])
        if "short-story collection" in r["quotes"] and curie(r["work"]).startswith("work:shalamov"):
            assert "worktype:short-stories" in types


def test_people_the_source_lists_as_editors_are_editors(kg):
    rows = select(kg, """SELECT DISTINCT ?p WHERE { ?p a gk:Person ; gk:evidence/oa:hasSelector/oa:exact ?q
        FILTER (REGEX(?q, ", eds?\\\\.") || CONTAINS(?q, "edited by") || STRSTARTS(?q, "ed. ")) }""")
    editors = {curie(r["p"]) for r in rows}
    assert {"person:hollander", "person:kozlov", "person:gregory", "person:lazarev", "person:david-fox", "person:vilensky",
            "person:courtois"} <= editors
    roles = defaultdict(set)
    for r in select(kg, "SELECT ?p ?r WHERE { ?p a gk:Person ; gk:role ?r }"):
        roles[curie(r["p"])].add(curie(r["r"]))
    assert not [p for p in editors if "role:editor" not in roles[p]]


def test_the_same_wording_gets_the_same_stance(kg):
    rows = select(kg, """SELECT ?claim ?stance WHERE { ?claim gk:property gk:deaths ; gk:stance ?stance ;
        gk:evidence/oa:hasSelector/oa:exact ?q FILTER (REGEX(?q, "(emergent|tentative historical) consensus")) }""")
    assert len({r["claim"] for r in rows}) == 2
    assert {curie(r["stance"]) for r in rows} == {"stance:estimate"}
