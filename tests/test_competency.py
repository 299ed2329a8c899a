"""The competency questions of docs/competency-questions.md, one test each.

Each test runs the shipped named query that answers its question and asserts the rows a historian
expects. The expectations were written by hand from the article (sources/wikipedia-en-gulag.txt);
``says(n, ...)`` checks that line n of the article carries the words the expectation rests on, so
a citation that drifts from the text fails too.
"""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest

from gulag_kg.namespaces import PREFIXES
from gulag_kg.query import named_queries

from .conftest import ROOT

ARTICLE = (ROOT / "sources" / "wikipedia-en-gulag.txt").read_text(encoding="utf-8").split("\n")
DOC = (ROOT / "docs" / "competency-questions.md").read_text(encoding="utf-8")
_NAMESPACES = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def says(n: int, *words: str) -> None:
    """Line ``n`` (1-based) of the stored article contains each of ``words``."""
    for w in words:
        assert w in ARTICLE[n - 1], f"line {n} of the article does not say {w!r}"


def curie(value: str | None) -> str | None:
    if value is None:
        return None
    for prefix, ns in _NAMESPACES:
        if value.startswith(ns) and prefix:
            return f"{prefix}:{value[len(ns):]}"
    return value


def run(kg, name: str, **params: str) -> list[dict[str, str | None]]:
    """The rows of a shipped named query, IRIs as prefixed names."""
    result = kg.query(name, params=params)
    return [{k: curie(v) for k, v in row.items()} for row in result.as_dicts()]


def column(rows, name: str) -> set:
    return {r[name] for r in rows}


# --- the document and the queries stay in step ---------------------------------------------

_DOC_QUESTIONS = dict(re.findall(r"^### (CQ\d+)\. .*?\n\n`gulag-kg query ([a-z0-9-]+)", DOC, re.M | re.S))


def test_the_document_has_at_least_25_questions_each_with_a_shipped_query_and_a_test():
    library = named_queries()
    assert len(_DOC_QUESTIONS) >= 25
    tests = {name for name in globals() if name.startswith("test_cq")}
    for cq, query in _DOC_QUESTIONS.items():
        assert query in library, f"{cq} names {query!r}, which is not a shipped query"
        number = int(cq[2:])
        assert any(t.startswith(f"test_cq{number:02d}_") for t in tests), f"{cq} has no test"


def test_every_shipped_query_answers_a_question_of_the_document():
    for name, query in named_queries().items():
        header = re.search(r"^# competency: (.+)$", query.text, re.M)
        assert header, f"{name}.rq has no '# competency:' line"
        for cq in re.findall(r"CQ\d+", header.group(1)):
            assert cq in _DOC_QUESTIONS, f"{name}.rq answers {cq}, which the document does not ask"
        assert name in _DOC_QUESTIONS.values(), f"no question of the document names {name}"


# --- figures and who states them ------------------------------------------------------------

# (claim, value, lower, upper, period, claimant label, article line, words of that line)
DEATH_TOLLS = [
    ("claim:deaths-gulag-1934-1953-archival-study-1993", "1053829", None, None, "1934/1953",
     "1993 study of archival Soviet data", 94, "1,053,829 people died in the Gulag from 1934 to 1953"),
    ("claim:deaths-gulag-rosefielde-2009", "1258537", None, None, None,
     "Steven Rosefielde", 101, "increases camp deaths by 19.4 percent to 1,258,537"),
    ("claim:deaths-gulag-1929-1953-rosefielde-2009", "1600000", None, None, "1929/1953",
     "Steven Rosefielde", 101, "1.6 million from 1929 to 1953"),
    ("claim:deaths-gulag-1930-1953-healey-2018", None, "1500000", "1700000", "1930/1953",
     "Dan Healey", 101, "between 1.5 and 1.7 million"),
    ("claim:deaths-gulag-1930-1953-consensus", None, "1600000", "1760000", "1930/1953",
     "unnamed sources", 95, "between 1.6 million and 1.76 million"),
    ("claim:deaths-gulag-1930-1953-scholarly-consensus", None, "1500000", "1700000", "1930/1953",
     "unnamed sources", 3, "roughly 1.5 to 1.7 million"),
    ("claim:deaths-gulag-1918-1956-britannica", None, "1200000", "1700000", "1918/1956",
     "Encyclopædia Britannica", 90, "from 1918 to 1956 ranged from 1.2 to 1.7 million"),
    ("claim:deaths-gulag-per-year-britannica", None, "10000", None, None,
     "Encyclopædia Britannica", 90, "tens of thousands of prisoners each year"),
    ("claim:deaths-gulag-colonies-settlements-pohl", "2749163", None, None, None,
     "J. Otto Pohl", 95, "2,749,163"),
    ("claim:deaths-gulag-alexopoulos-2018", "6000000", None, None, None,
     "Golfo Alexopoulos", 96, "6 million deaths"),
    ("claim:deaths-gulag-excess-nakonechnyi-2020", None, "800000", "850000", None,
     "Mikhail Nakonechnyi", 97, "800,000–850,000 excess deaths"),
    ("claim:deaths-gulag-nakonechnyi-2020", "2500000", None, None, None,
     "Mikhail Nakonechnyi", 97, "brings the death toll to 2.5 million"),
    ("claim:deaths-gulag-pre-1991-unnamed-sources", None, "2300000", "17600000", None,
     "unnamed sources", 94, "ranged from 2.3 to 17.6 million"),
    ("claim:deaths-gulag-1941-1943-wikipedia", "516841", None, None, "1941/1943",
     "Gulag (English Wikipedia article)", 62, "516,841 prisoners died in prison camps in 1941–43"),
]


def test_cq01_every_death_toll_estimate_with_claimant_period_and_quote(kg):
    rows = run(kg, "death-toll-estimates")
    got = {r["claim"]: r for r in rows}
    assert set(got) == {e[0] for e in DEATH_TOLLS}
    for claim, value, lower, upper, period, claimant, n, words in DEATH_TOLLS:
        says(n, words)
        r = got[claim]
        assert (r["value"], r["lower"], r["upper"], r["period"], r["claimantLabel"]) == \
            (value, lower, upper, period, claimant), claim
        assert words in r["quote"], f"{claim}: the quote does not carry {words!r}"
    # dated estimates in order of their period, undated ones after them
    periods = [r["period"] for r in rows]
    dated = [p for p in periods if p is not None]
    assert periods[:len(dated)] == dated
    assert dated[0] == "1918/1956" and set(periods[len(dated):]) == {None}
    # numbers of people only: deaths each year apart from totals, shares and percentages never among them
    assert {r["property"] for r in rows} == {"gk:deaths", "gk:annualDeaths"}
    assert {r["claim"] for r in rows if r["property"] == "gk:annualDeaths"} == {"claim:deaths-gulag-per-year-britannica"}
    assert {r["unit"] for r in rows} == {"unit:people"}


# Figures about deaths that are not numbers of people: each in a property of its own kind.
DEATH_SHARES = [
    ("claim:deaths-share-gulag-1941-1943-consensus", "gk:shareOfDeaths", "50", 95,
     "about half of all deaths occurred between 1941 and 1943"),
    ("claim:deaths-share-gulag-1941-1943-russian-statistics", "gk:shareOfDeaths", "50", 62,
     "about half of all Gulag deaths, according to Russian statistics"),
    ("claim:deaths-increase-gulag-rosefielde-2009", "gk:percentIncrease", "19.4", 101, "19.4 percent"),
]


def test_cq01_shares_and_revisions_of_the_death_toll_have_properties_of_their_own(kg):
    for claim, prop, value, n, words in DEATH_SHARES:
        says(n, words)
        rows = run(kg, "estimates-of", property=prop)
        got = {r["claim"]: r for r in rows}
        assert got[claim]["value"] == value and got[claim]["unit"] == "unit:percent", claim


def test_cq02_archival_estimates_and_the_superseded_range(kg):
    rows = run(kg, "death-toll-estimates")
    says(94, "Post-1991 research by historians accessing archival materials brought this range down considerably")
    says(101, "more complete archival data", "declassified Gulag archives")
    assert {r["claim"] for r in rows if r["method"] == "method:archival-study"} == {
        "claim:deaths-gulag-1934-1953-archival-study-1993",
        "claim:deaths-gulag-rosefielde-2009",
        "claim:deaths-gulag-1929-1953-rosefielde-2009",
        "claim:deaths-gulag-1930-1953-healey-2018",
    }
    assert {(r["claim"], r["stance"]) for r in rows if r["rank"] == "gk:DeprecatedRank"} == {
        ("claim:deaths-gulag-pre-1991-unnamed-sources", "stance:superseded")}
    # line 96: "The estimate of Alexopoulos, however, has obvious methodological difficulties"
    # line 3: "Some journalists and writers who question the reliability of such data"
    says(96, "has obvious methodological difficulties")
    assert {r["claim"] for r in rows if r["stance"] == "stance:disputed"} == {"claim:deaths-gulag-alexopoulos-2018"}
    # line 3 "the emergent consensus among scholars" and line 95 "the tentative historical consensus": the
    # same standing, the same stance (the doubt of journalists and writers is the claim's note)
    says(3, "The emergent consensus among scholars")
    says(95, "The tentative historical consensus")
    assert {r["stance"] for r in rows if r["claim"] in (
        "claim:deaths-gulag-1930-1953-scholarly-consensus", "claim:deaths-gulag-1930-1953-consensus")} == {"stance:estimate"}


# (period, value, lower bound, article line, words of that line)
PRISONER_POPULATION = [
    ("192X", "100000", None, 3, "reaching a population of 100,000 in the 1920s"),
    ("1931/1932", "200000", None, 51, "The 1931–32 archives indicate the Gulag had approximately 200,000 prisoners"),
    ("1934", "510307", None, 19, "from 510,307 in 1934"),
    ("1935", "800000", None, 51, "in 1935, approximately 800,000 were in camps"),
    ("1935", "300000", None, 51, "and 300,000 in colonies"),
    ("1936-12-31", "1196369", None, 211, "1,196,369 for the population of the Gulag and labor colonies combined on December 31, 1936"),
    ("1937", "2750000", None, 211, "2.75 million labor camp population given to the Census Board by the NKVD for the 1937 census"),
    ("1938", "7000000", None, 211, "at the end of 1938 stating there were almost 7 million prisoners"),
    ("1939", None, "1600000", 60, "upwards of 1.6 million in 1939"),
    ("1940-12", "1500000", None, 3, "By the end of 1940, the population of the Gulag camps amounted to 1.5 million"),
    ("1941", "1500000", None, 51, "peak value (1.5 million) in 1941"),
    ("195X", "2500000", None, 78, "approximately 2.5 million people by the early 1950s"),
    ("195X", "1700000", None, 78, "about 1.7 million of whom were in camps"),
    ("1952", "12000000", None, 211, "in 1952 stating there were 12 million prisoners"),
    ("1953-01", None, "2400000", 19, "at the beginning of 1953 the total number of prisoners in prison camps was more than 2.4 million"),
    ("1953-01", None, "465000", 19, "more than 465,000 were political prisoners"),
    ("1953-01~", None, "2400000", 83, "At the beginning of 1953, the total number of prisoners in prison camps was more than 2.4 million"),
    ("1953-01~", None, "465000", 83, "more than 465,000 were political prisoners"),
    ("1953", "1727970", None, 19, "to 1,727,970 in 1953"),
    ("1953", "2625000", None, 210, "reaching the global maximum in 1953"),
    (None, None, "1200000", 60, "Applebaum and Steven Rosefielde estimate that 1.2 to 1.5 million"),
    (None, None, "1200000", 60, "when the war started"),
]


def test_cq03_prisoner_population_year_by_year(kg):
    rows = run(kg, "prisoner-population-by-year")
    for *_, n, words in PRISONER_POPULATION:
        says(n, words)
    says(210, "2,625,000")
    assert Counter((r["period"], r["value"], r["lower"]) for r in rows) == \
        Counter((p, v, lo) for p, v, lo, *_ in PRISONER_POPULATION)
    by_period = {(r["period"], r["value"] or r["lower"]): r for r in rows}
    # line 211: Beria's report, cited by Conquest, "more than three times the archival figure"
    assert by_period[("1938", "7000000")]["claimantLabel"] == "Beria"
    assert by_period[("1938", "7000000")]["stance"] == "stance:disputed"
    assert by_period[("1939", "1600000")]["claimantLabel"] == "V. P. Kozlov"  # line 60
    assert by_period[("1937", "2750000")]["claimantLabel"] == "NKVD"  # line 211
    assert {r["claimantLabel"] for r in rows if r["period"] is None} == {"Anne Applebaum", "Steven Rosefielde"}
    assert rows[0]["period"] == "192X" and rows[-1]["period"] is None


def test_cq04_how_many_people_passed_through_the_gulag(kg):
    rows = run(kg, "estimates-of", property="gk:prisonersPassedThrough")
    says(18, "14 million people were imprisoned in the Gulag labor camps from 1929 to 1953",
         "25 million prisoners of the Gulag in 1928–1953", "4–5 million passed through labor colonies")
    says(3, "of the 14 million prisoners who passed through the Gulag camps and the 4 million prisoners who passed through the Gulag colonies from 1930 to 1953")
    says(95, "of the 18 million people who passed through the Gulag from 1930 to 1953")
    says(212, "about 14 million prisoners passed through the system of Gulag labor camps and 4–5 million passed through the labor colonies")
    says(79, "over 1.5 million surviving Red Army soldiers", "226,127 out of 1,539,475 POWs were transferred to the NKVD")
    says(61, "Of the 10,000–12,000 Poles sent to Kolyma in 1940–41")
    got = {r["claim"]: (r["value"], r["lower"], r["upper"], r["period"], r["claimantLabel"]) for r in rows}
    assert got == {
        "claim:prisoners-passed-through-gulag-camps-1929-1953-some-historians": ("14000000", None, None, "1929/1953", "unnamed sources"),
        "claim:prisoners-passed-through-gulag-1928-1953-figes": ("25000000", None, None, "1928/1953", "Orlando Figes"),
        "claim:prisoners-passed-through-gulag-colonies-wikipedia": (None, "4000000", "5000000", None, "Gulag (English Wikipedia article)"),
        "claim:prisoners-passed-through-gulag-camps-1930-1953-scholarly-consensus": ("14000000", None, None, "1930/1953", "unnamed sources"),
        "claim:prisoners-passed-through-gulag-colonies-1930-1953-scholarly-consensus": ("4000000", None, None, "1930/1953", "unnamed sources"),
        "claim:prisoners-passed-through-gulag-1930-1953-consensus": ("18000000", None, None, "1930/1953", "unnamed sources"),
        "claim:prisoners-passed-through-gulag-1930-1953-healey-2018": ("18000000", None, None, "1930/1953", "Dan Healey"),
        "claim:prisoners-passed-through-gulag-camps-1928-1953-scholars": ("14000000", None, None, "1928/1953", "unnamed sources"),
        "claim:prisoners-passed-through-gulag-colonies-1928-1953-scholars": (None, "4000000", "5000000", "1928/1953", "unnamed sources"),
        "claim:prisoners-passed-through-gulag-soviet-pows-unnamed-sources": (None, "1500000", None, None, "unnamed sources"),
        "claim:prisoners-passed-through-gulag-soviet-pows-wikipedia": ("226127", None, None, None, "Gulag (English Wikipedia article)"),
        "claim:prisoners-passed-through-gulag-kolyma-1940-1941-wikipedia": (None, "10000", "12000", "1940/1941", "Gulag (English Wikipedia article)"),
        "claim:prisoners-passed-through-gulag-annexed-lands-unnamed-sources": (None, "100000", None, None, "unnamed sources"),
    }
    says(60, "hundreds of thousands of Polish citizens and inhabitants of the other annexed lands")


def test_cq05_claims_that_dispute_revise_or_summarise_others(kg):
    rows = run(kg, "contested-claims")
    got = {(r["claim"], r["relation"], r["other"]) for r in rows}
    says(101, "more complete archival data increases camp deaths by 19.4 percent to 1,258,537")
    says(96, "attempts to challenge this consensus figure")
    says(97, "adds 800,000–850,000 excess deaths to the death toll")
    says(18, "Other calculations, by historian Orlando Figes")
    says(187, "according to Leonid Lopatnikov")
    says(191, "In response, Zemskov wrote that the charge")
    says(182, "She criticizes other commentators' conclusion that the purpose of the camps was a supply of cheap labor")
    expected = {
        ("claim:deaths-gulag-rosefielde-2009", "revises", "claim:deaths-gulag-1934-1953-archival-study-1993"),
        ("claim:deaths-gulag-1934-1953-archival-study-1993", "revises", "claim:deaths-gulag-pre-1991-unnamed-sources"),
        ("claim:deaths-gulag-alexopoulos-2018", "disputes", "claim:deaths-gulag-1930-1953-consensus"),
        ("claim:deaths-gulag-nakonechnyi-2020", "revises", "claim:deaths-gulag-1930-1953-consensus"),
        ("claim:prisoners-passed-through-gulag-1928-1953-figes", "disputes", "claim:prisoners-passed-through-gulag-camps-1929-1953-some-historians"),
        ("claim:prisoner-population-gulag-1936-12-31-archival-rosefielde", "disputes", "claim:prisoner-population-gulag-1937-census-nkvd"),
        ("claim:prisoners-passed-through-gulag-soviet-pows-wikipedia", "disputes", "claim:prisoners-passed-through-gulag-soviet-pows-unnamed-sources"),
        ("claim:archive-access-state-archive-lopatnikov", "disputes", "claim:archive-access-state-archive-1992-zemskov"),
        ("claim:source-assessment-zemskov-comparison-zemskov", "disputes", "claim:source-assessment-zemskov-source-criticism-maksudov"),
        ("claim:rejects-interpretation-gulag-economic-arendt", "disputes", "claim:interpretation-gulag-cheap-labour-other-commentators"),
    }
    assert expected <= got
    # the source contradicts itself: the three pairs are linked both ways (line 2 against 157, 38
    # against 47, 60 against itself)
    says(157, "When the Gulag was transferred to the NKGB in 1943")
    says(47, "the prison system that was still under the purview of the NKVD")
    says(60, "upwards of 1.6 million in 1939", "1.2 to 1.5 million people were in Gulag system's prison camps and colonies when the war started")
    for a, b in (("claim:subordinate-to-gulag-1943-wikipedia", "claim:subordinate-to-gulag-1934-1946-wikipedia"),
                 ("claim:subordinate-to-soviet-penal-system-1929-04-ogpu-source", "claim:subordinate-to-traditional-prison-system-1929-06-27-nkvd-source"),
                 ("claim:prisoner-population-gulag-1939-kozlov", "claim:prisoner-population-gulag-war-start-applebaum-rosefielde")):
        assert (a, "contradicts", b) in got and (b, "contradicts", a) in got
    by_claim = {r["claim"]: r for r in rows}
    assert by_claim["claim:deaths-gulag-alexopoulos-2018"]["claimantLabel"] == "Golfo Alexopoulos"
    assert by_claim["claim:archive-access-state-archive-lopatnikov"]["otherClaimantLabel"] == "Viktor Zemskov"


def test_cq06_disputed_and_superseded_figures_with_the_reason(kg):
    rows = run(kg, "disputed-or-deprecated-claims")
    says(96, "least one third", "6 million deaths")
    says(79, "However, that is a confusion with two other types of camps.")
    says(211, "more than three times the archival figure for 1938")
    says(189, "Zemskov absolutizes the published materials by presenting them as the ultimate truth")
    assert {r["claim"] for r in rows} == {
        "claim:deaths-gulag-alexopoulos-2018",
        "claim:share-of-population-gulag-alexopoulos-2018",
        "claim:deaths-gulag-pre-1991-unnamed-sources",
        "claim:prisoners-passed-through-gulag-soviet-pows-unnamed-sources",
        "claim:prisoner-population-gulag-1938-beria-report",
        "claim:source-assessment-zemskov-source-criticism-maksudov",
        # contradicted by the source itself (line 2 against line 157; 38 against 47; 60)
        "claim:subordinate-to-gulag-1934-1946-wikipedia",
        "claim:subordinate-to-gulag-1943-wikipedia",
        "claim:subordinate-to-soviet-penal-system-1929-04-ogpu-source",
        "claim:subordinate-to-traditional-prison-system-1929-06-27-nkvd-source",
        "claim:prisoner-population-gulag-1939-kozlov",
        "claim:prisoner-population-gulag-war-start-applebaum-rosefielde",
        "claim:archive-access-state-archive-1992-zemskov",
        "claim:interpretation-gulag-cheap-labour-other-commentators",
    }
    assert all(r["reason"] for r in rows), "every disputed or deprecated claim says why"
    assert {r["claim"] for r in rows if r["rank"] == "gk:DeprecatedRank"} == {
        "claim:deaths-gulag-pre-1991-unnamed-sources",
        "claim:prisoners-passed-through-gulag-soviet-pows-unnamed-sources",
    }


def test_cq07_what_zemskov_claims(kg):
    says(53, "the number of prisoners with higher education increased more than eight times",
         "the number of prisoners with high education increased five times", "extrapolations of Viktor Zemskov")
    says(187, "In 1995, Zemskov wrote that foreign scientists have begun to be admitted")
    says(191, "Zemskov wrote that the charge that he allegedly did not compare new data")
    default = run(kg, "claims-by-claimant")
    explicit = run(kg, "claims-by-claimant", claimant="person:zemskov")
    expected = {
        ("claim:count-gulag-1934-1941-zemskov-higher-education", None, "8", "1934/1941"),
        ("claim:count-gulag-1934-1941-zemskov-high-education", "5", None, "1934/1941"),
        ("claim:archive-access-state-archive-1992-zemskov", "foreign scientists", None, "1992/.."),
        ("claim:source-assessment-zemskov-comparison-zemskov", None, None, None),
    }
    for rows in (default, explicit):
        got = {(r["claim"], r["value"], r["lower"], r["period"]) for r in rows}
        assert {g[0] for g in got} == {e[0] for e in expected}
        assert {g for g in got if g[0] != "claim:source-assessment-zemskov-comparison-zemskov"} == \
            {e for e in expected if e[0] != "claim:source-assessment-zemskov-comparison-zemskov"}
    # another claimant gives other rows: Maksudov assesses Zemskov, he does not speak for him
    assert {r["subjectLabel"] for r in run(kg, "claims-by-claimant", claimant="person:maksudov")} == \
        {"Viktor Zemskov", "Aleksandr Solzhenitsyn", "Lev Razgon"}


def test_cq08_who_makes_claims_and_about_what(kg):
    rows = run(kg, "claimants")
    got = {r["claimant"]: r for r in rows}
    assert rows[0]["claimant"] == "source:wikipedia-en-gulag"
    assert int(rows[1]["claims"]) <= int(rows[0]["claims"])
    says(189, "Sergei Maksudov alleged")
    assert got["person:maksudov"]["properties"] == "sourceAssessment"
    assert int(got["person:maksudov"]["claims"]) == 5
    assert set(got["person:rosefielde"]["properties"].split(", ")) >= {"deaths", "prisonerPopulation"}
    assert set(got["work:encyclopaedia-britannica"]["properties"].split(", ")) == {"deaths", "annualDeaths", "count", "numberOfCamps"}
    says(81, 'According to German government estimates "65,000 people died')
    assert got["agency:german-government"]["properties"] == "deaths"
    says(149, "The Russian researcher Galina Ivanova stated that")
    assert set(got["person:ivanova"]["properties"].split(", ")) == {"numberOfCamps", "numberOfColonies"}


def test_cq09_where_a_figure_comes_from(kg):
    says(94, "A 1993 study of archival Soviet data estimates 1,053,829 people died")
    rows = run(kg, "sources-of-claim")
    assert len(rows) == 1
    r = rows[0]
    assert (r["claimantLabel"], r["statedInLabel"], r["source"], r["curator"]) == (
        "1993 study of archival Soviet data", "1993 study of archival Soviet data",
        "source:wikipedia-en-gulag", "agent:gulag-kg-curators")
    assert "1,053,829" in r["exact"] and r["exact"] in ARTICLE[94 - 1]
    rows = run(kg, "sources-of-claim", claim="claim:deaths-gulag-alexopoulos-2018")
    assert rows and {r["claimantLabel"] for r in rows} == {"Golfo Alexopoulos"}
    assert {r["statedInLabel"] for r in rows} == {"2018 study by Golfo Alexopoulos"}
    assert all(r["exact"] in ARTICLE[96 - 1] for r in rows)
    assert any("6 million" in r["exact"] for r in rows)


def test_cq10_which_works_state_which_figures(kg):
    rows = run(kg, "claims-stated-in-work")
    got = {(r["work"], r["claim"]) for r in rows}
    says(97, "In a University of Oxford doctoral dissertation")
    says(211, "Beria's report to the Politburo", "an official report to Stalin by the Soviet minister of State Security in 1952")
    assert {c for w, c in got if w == "work:nakonechnyi-dissertation"} == {
        "claim:deaths-gulag-excess-nakonechnyi-2020", "claim:deaths-gulag-nakonechnyi-2020",
        "claim:releases-gulag-medical-nakonechnyi-2020"}
    assert {c for w, c in got if w == "work:encyclopaedia-britannica"} == {
        "claim:deaths-gulag-1918-1956-britannica", "claim:deaths-gulag-per-year-britannica",
        "claim:number-of-camps-gulag-britannica", "claim:count-gulag-average-camp-britannica"}
    assert {
        ("work:beria-report-politburo-1938", "claim:prisoner-population-gulag-1938-beria-report"),
        ("work:report-to-stalin-1952", "claim:prisoner-population-gulag-1952-report-to-stalin"),
        ("work:census-1937", "claim:prisoner-population-gulag-1937-census-nkvd"),
        ("work:archival-study-1993", "claim:deaths-gulag-1934-1953-archival-study-1993"),
    } <= got


# --- agencies, their changes and their heads ------------------------------------------------


def test_cq11_renamings_of_the_gulag_and_successions_of_its_agencies(kg):
    # line 51 renames the GULAG "as the GULAG": no renaming can be stated, the graph keeps a note
    # on the source's defect instead of a change event (and the old IRI, retired, leads to it)
    says(51, "It was renamed as the GULAG in November of that year.")
    assert run(kg, "agency-changes", agency="agency:gulag") == []
    note = kg.query("""SELECT ?note ?date WHERE { ?note a gk:SourceDefect ; dcterms:subject agency:gulag ; gk:date ?date }""").as_dicts()
    assert [(curie(r["note"]), r["date"]) for r in note] == [("source:wikipedia-en-gulag-defect-gulag-renaming", "1930-11")]
    retired = kg.query("""SELECT ?by WHERE { change:gulag-renaming-1930-11 a gk:Retired ; dcterms:isReplacedBy ?by }""").as_dicts()
    assert [curie(r["by"]) for r in retired] == ["source:wikipedia-en-gulag-defect-gulag-renaming"]
    says(38, "The Cheka and its successor organizations, the GPU or State Political Directorate and the OGPU",
         "overseen by The People's Commissariat of Justice until 1922", "In April 1929")
    says(2, "OGPU (1923–1934), later known as the NKVD (1934–1946) and the Ministry of Internal Affairs (MVD)")
    says(24, "In 1960, the MVD ceased to function as the Soviet-wide administration of the camps")
    every = run(kg, "agency-changes")
    assert {r["change"] for r in every} == {
        "change:cheka-to-gpu", "change:gpu-to-ogpu", "change:justice-to-nkvd-1922",
        "change:penal-system-to-ogpu-1929", "change:ogpu-to-nkvd-1934",
        "change:nkvd-to-mvd-1946", "change:mvd-camps-to-republic-mvds-1960",
        "change:csaor-to-state-archive-russian-federation"}
    dated = [r["date"] for r in every if r["date"]]
    assert dated == ["1922", "1929-04", "1934", "1946", "1960"]
    # two bodies the source calls NKVD: the prison administration of the 1920s, and the NKVD
    # (1934–1946) that it calls the later name of the OGPU (line 38 and 47 against line 2)
    nkvd = {(r["fromLabel"], r["toLabel"]) for r in run(kg, "agency-changes", agency="agency:nkvd")}
    assert nkvd == {("OGPU", "NKVD"), ("NKVD", "MVD")}
    early = {(r["fromLabel"], r["toLabel"]) for r in run(kg, "agency-changes", agency="agency:nkvd-1920s")}
    assert early == {("People's Commissariat of Justice", "NKVD (prison administration of the 1920s)"),
                     ("NKVD (prison administration of the 1920s)", "OGPU")}


def test_cq12_subordination_of_the_gulag_period_by_period(kg):
    says(2, "initially was administered by the OGPU")
    says(157, "When the Gulag was transferred to the NKGB in 1943")
    rows = run(kg, "gulag-subordination")
    assert [(r["period"], r["agencyLabel"]) for r in rows] == [
        ("1930/1934", "OGPU"), ("1934/1946", "NKVD"), ("1943", "NKGB"), ("1946/1960", "MVD")]
    # the two statements for 1943 point at each other
    assert {(r["agencyLabel"], r["contradicts"]) for r in rows if r["contradicts"]} == {
        ("NKVD", "claim:subordinate-to-gulag-1943-wikipedia"), ("NKGB", "claim:subordinate-to-gulag-1934-1946-wikipedia")}
    # SAMPLE picks any one quote of a claim's evidence (the 1946/1960 claim has two): each is verbatim
    assert all(any(r["quote"] in paragraph for paragraph in ARTICLE) for r in rows)


@pytest.mark.parametrize(("year", "agencies"), [
    ("1929", set()),                                  # line 51: established on April 25, 1930
    ("1932", {"agency:ogpu"}),                        # line 2: OGPU (1923–1934)
    ("1941", {"agency:nkvd"}),                        # line 2: NKVD (1934–1946)
    ("1943", {"agency:nkvd", "agency:nkgb"}),         # line 157 against line 2
    ("1944", {"agency:nkvd"}),                        # the NKGB claim covers the year of the transfer only
    ("1950", {"agency:mvd-ussr"}),                    # line 2: MVD "in the final years"
    ("1961", set()),                                  # line 4: abolished on January 25, 1960
])
def test_cq13_which_agency_ran_the_camps_in_a_year(kg, year, agencies):
    says(2, "NKVD (1934–1946)")
    rows = run(kg, "agency-in-year", year=year)
    assert column(rows, "agency") == agencies
    assert all(r["year"] == year for r in rows)
    if len(agencies) > 1:  # a year with two agencies: the claims contradict each other, and say so
        assert all(r["contradicts"] in column(rows, "claim") for r in rows)


def test_cq13_the_default_year_is_1941(kg):
    rows = run(kg, "agency-in-year")
    assert column(rows, "agencyLabel") == {"NKVD"}
    assert column(rows, "year") == {"1941"}  # the default is bound: its column is not blank


def test_cq14_who_headed_the_nkvd_and_when(kg):
    says(112, "NKVD chief Nikolai Yezhov in 1938")
    says(268, "Anton Antonov-Ovseyenko was the first director of the State Gulag Museum")
    says(237, "the manager of the Comintern Publishing House in Moscow 1932–39")
    rows = run(kg, "heads-of-agencies")
    assert {(r["organisationLabel"], r["personLabel"], r["period"]) for r in rows} == {
        ("NKVD", "Nikolai Yezhov", "1938"),
        ("State Gulag Museum", "Anton Antonov-Ovseyenko", None),
        ("Comintern Publishing House", "Karlo Štajner", "1932/1939"),
    }


def test_cq15_organisations_with_russian_names_and_abbreviations(kg):
    rows = {r["organisation"]: r for r in run(kg, "organisations")}
    says(20, "GUPVI (ГУПВИ)", "Главное управление по делам военнопленных и интернированных")
    assert rows["agency:gupvi"]["labelRu"] == "Главное управление по делам военнопленных и интернированных"
    assert "ГУПВИ" in rows["agency:gupvi"]["abbreviations"]
    says(1, "GULAG (ГУЛАГ)")
    says(9, "(ГУИТК)")
    assert {"ГУЛАГ", "ГУИТК", "GULAG"} <= set(rows["agency:gulag"]["abbreviations"].split(", "))
    says(38, "the People's Commissariat of Internal Affairs, also known as the NKVD", "the GPU or State Political Directorate")
    assert "People's Commissariat of Internal Affairs" in rows["agency:nkvd-1920s"]["abbreviations"]
    assert "People's Commissariat of Internal Affairs" not in rows["agency:nkvd"]["abbreviations"]
    assert "State Political Directorate" in rows["agency:gpu"]["abbreviations"]
    says(262, "Первый Отдел")
    assert rows["agency:first-departments"]["labelRu"] == "Первый Отдел"
    says(187, "Central State Archive of the October Revolution (CSAOR)")
    assert rows["agency:central-state-archive-october-revolution"]["abbreviations"] == "CSAOR"
    assert {"agency:cheka", "agency:ogpu", "agency:mvd-ussr", "agency:nkgb", "agency:mgb",
            "agency:sovnarkom-ussr", "agency:politburo", "agency:memorial-foundation",
            "agency:state-gulag-museum", "agency:gulag-history-museum"} <= set(rows)
    assert rows["agency:politburo"]["class"] == "gk:GoverningBody"


def test_cq33_who_held_which_office(kg):
    says(112, "Andrei Vyshinsky, chief procurator of the Soviet Union", "NKVD chief Nikolai Yezhov in 1938")
    says(246, "eventual head of numerous Gulag camps in the northern Russian region of Pechorlag, Pechora, from 1940 to 1946")
    says(42, "Frenkel soon went from being an inmate to becoming a camp commander")
    says(4, "Nikita Khrushchev was elected First Secretary")
    says(61, "Polish General Władysław Anders")
    rows = run(kg, "offices-held")
    assert {(r["personLabel"], r["office"], r["organisationLabel"], r["period"]) for r in rows} == {
        ("Nikolai Yezhov", "head", "NKVD", "1938"),
        ("Andrei Vyshinsky", "chief procurator of the Soviet Union", None, "1938"),
        ("Fyodor Vasilevich Mochulsky", "head of numerous Gulag camps in Pechorlag", "Pechorlag", "1940/1946"),
        ("Naftaly Frenkel", "camp commander", None, None),
        ("Nikita Khrushchev", "First Secretary", None, None),
        ("Anton Antonov-Ovseyenko", "head", "State Gulag Museum", None),
        ("Karlo Štajner", "head", "Comintern Publishing House", "1932/1939"),
        ("Władysław Anders", "General", None, None),
    }
    assert all(r["quote"] for r in rows)


def test_cq36_establishment_and_abolition_of_the_gulag(kg):
    says(51, "officially established on April 25, 1930, as the GULAG by the OGPU order 130/63 in accordance with the Sovnarkom order 22 p. 248")
    says(87, "closed by the MVD order Number 20 on January 25, 1960")
    says(4, "on January 25, 1960, the Gulag system was officially abolished when the remains of its administration were dissolved by Khrushchev")
    says(47, "After Lenin's death in 1924, Stalin was able to take control of the government, and he began to form the gulag system.")
    says(42, "One of the Gulag system founders was Naftaly Frenkel.")
    rows = run(kg, "establishment-and-abolition")
    assert [(r["event"], r["byLabel"], r["period"]) for r in rows] == [
        ("established", "Joseph Stalin", "1924/.."),
        ("established", "OGPU order 130/63", "1930-04-25"),
        ("established", "Sovnarkom order 22 p. 248", "1930-04-25"),
        ("abolished", "Nikita Khrushchev", "1960-01-25"),
        ("abolished", "MVD order No. 20 (1960)", "1960-01-25"),
        ("established", "Naftaly Frenkel", None),
    ]
    says(41, "a secret decree from the Sovnarkom of July 11, 1929", "the Politburo meeting of June 27, 1929")
    camps = run(kg, "establishment-and-abolition", subject="camp:corrective-labour-camps")
    assert {(r["byLabel"], r["period"]) for r in camps} == {
        ("Appendix to the minutes of the Politburo meeting of June 27, 1929", "1929-06-27"),
        ("Politburo of the Communist Party of the Soviet Union", "1929-06-27"),
        ("Sovnarkom decree of July 11, 1929 on the use of penal labor", "1929-07-11"),
    }


# --- camps and places -----------------------------------------------------------------------


def test_cq16_places_of_detention_with_type_and_place(kg):
    rows = run(kg, "places-of-detention")
    place = {r["site"]: r["placeLabel"] for r in rows}
    says(146, "Sevvostlag (The North-East Camps) along Kolyma river and Norillag near Norilsk",
         "mainly in the steppes of Kazakhstan (Luglag, Steplag, Peschanlag)")
    says(119, "Omsuchkan camp, close to Magadan")
    says(109, "the Burepolom and the Nuksha 2 camps, which were both near Vyatka")
    says(143, "The site on the Solovetsky Islands in the White Sea")
    says(228, "one camp at Kemerovo on the Tom River in Siberia")
    says(234, "escaped a Soviet labor camp in Yakutsk")
    says(165, "the disabled (in Spassk)")
    says(81, "in the Soviet occupation zone in Germany")
    assert {site: place.get(site) for site in [
        "camp:norillag", "camp:sevvostlag", "camp:luglag", "camp:steplag", "camp:peschanlag",
        "camp:omsuchkan", "camp:burepolom", "camp:nuksha-2", "camp:solovki", "camp:pechorlag",
        "camp:kemerovo-camp", "camp:yakutsk-camp", "camp:spassk", "camp:sachsenhausen", "camp:buchenwald",
    ]} == {
        # "near", "close to", "along" (lines 109, 119, 146) are not "in"
        "camp:norillag": "near Norilsk", "camp:sevvostlag": "near Kolyma river", "camp:luglag": "Kazakhstan",
        "camp:steplag": "Kazakhstan", "camp:peschanlag": "Kazakhstan", "camp:omsuchkan": "near Magadan",
        "camp:burepolom": "near Vyatka", "camp:nuksha-2": "near Vyatka", "camp:solovki": "Solovetsky Islands",
        "camp:pechorlag": "Pechora", "camp:kemerovo-camp": "Kemerovo", "camp:yakutsk-camp": "Yakutsk",
        "camp:spassk": "Spassk", "camp:sachsenhausen": "Soviet occupation zone in Germany",
        "camp:buchenwald": "Soviet occupation zone in Germany",
    }
    says(121, "There was a mining and ore-processing plant")
    assert any(r["site"] == "camp:omsuchkan" and "mining" in r["activities"] for r in rows)
    says(233, "the Marfino sharashka")
    assert {r["type"] for r in rows if r["site"] == "camp:marfino-sharashka"} == {"sharashka"}
    says(87, "Perm-36")
    assert "camp:perm-36" in place


@pytest.mark.parametrize(("agency", "sites"), [
    # line 81: ten NKVD-run "special camps" subordinate to the Gulag, e.g. Sachsenhausen, Buchenwald
    (None, {"camp:nkvd-special-camps-in-germany", "camp:sachsenhausen", "camp:buchenwald"}),
    # line 81: NKVD-run special camps; the NKVD of the 1920s is another body (lines 38, 47)
    ("agency:nkvd", {"camp:nkvd-special-camps-in-germany"}),
    # lines 38, 47: the "traditional" prison system under the NKVD of the 1920s from 1922 and from 1929
    ("agency:nkvd-1920s", {"camp:traditional-prison-system"}),
    # line 38: the OGPU oversaw the "special" camps, and from April 1929 the entire penal system
    ("agency:ogpu", {"camp:cheka-special-camps", "camp:soviet-penal-system"}),
])
def test_cq17_camps_subordinate_to_an_agency(kg, agency, sites):
    says(81, 'ten NKVD-run "special camps" subordinate to the Gulag')
    says(38, "control of the entire Soviet penal system turned over to the OGPU")
    rows = run(kg, "camps-by-agency", **({"agency": agency} if agency else {}))
    assert column(rows, "site") == sites


@pytest.mark.parametrize(("place", "sites"), [
    (None, {"camp:luglag", "camp:steplag", "camp:peschanlag"}),                    # line 146
    ("place:kazakhstan", {"camp:luglag", "camp:steplag", "camp:peschanlag"}),
    ("Kazakhstan", {"camp:luglag", "camp:steplag", "camp:peschanlag"}),             # a label resolves like describe
    # lines 146, 152: Sevvostlag along the Kolyma river, the river part of Kolyma: the hierarchy is followed
    ("Kolyma", {"camp:sevvostlag"}),
    # line 2 (Kazakhstan in the southeastern parts of the Soviet Union): the country holds its regions' camps
    ("place:soviet-union", {"camp:luglag", "camp:steplag", "camp:peschanlag"}),
    ("place:magadan", {"camp:omsuchkan"}),                                        # line 119: close to Magadan
    ("place:siberia", {"camp:sevvostlag", "camp:norillag", "camp:kemerovo-camp"}),  # lines 146, 228
    ("place:white-sea", {"camp:solovki"}),                                          # line 143
    ("place:vyatka", {"camp:burepolom", "camp:nuksha-2"}),                          # line 109
])
def test_cq18_camps_in_a_region(kg, place, sites):
    says(146, "extremely remote areas of northeastern Siberia", "mainly in the steppes of Kazakhstan (Luglag, Steplag, Peschanlag)")
    rows = run(kg, "camps-in-place", **({"place": place} if place else {}))
    assert column(rows, "site") == sites
    assert len(rows) == len({(r["site"], r["relation"], r["locationLabel"]) for r in rows}), "no duplicate rows"
    if place in ("Kolyma", "place:magadan"):  # "along", "close to": near, not in
        assert column(rows, "relation") == {"near"}


def test_cq18_a_place_that_names_nothing_or_another_kind_of_thing_is_an_error(kg):
    from gulag_kg.errors import QueryError

    for value, words in (("Atlantis", "no gk:Place is named 'Atlantis'"),
                         ("NKVD", "'NKVD' is not a gk:Place"),
                         ("agency:nkvd", "agency:nkvd is a gk:Agency, not a gk:Place")):
        with pytest.raises(QueryError, match=re.escape(words)):
            kg.query("camps-in-place", params={"place": value})


def test_cq37_events_in_a_place_and_its_parts(kg):
    says(267, "Moscow's memorial is on Lubyanka Square")
    says(268, "In 2015, another museum dedicated to the Gulag was opened in Moscow.")
    says(269, "In November 2024, the Gulag History Museum in Moscow was ordered to close")
    rows = run(kg, "events-in-place")
    assert column(rows, "event") == {"event:gulag-museum-moscow-2015-opening", "event:gulag-history-museum-closure-order-2024",
                                     "event:day-of-victims-of-repression"}
    assert column(rows, "place") == {"place:moscow"}


def test_cq38_claims_about_a_place(kg):
    says(61, "Of the 10,000–12,000 Poles sent to Kolyma in 1940–41", "only 583 men survived")
    rows = run(kg, "claims-about-place", place="Kolyma")
    assert column(rows, "claim") == {"claim:prisoners-passed-through-gulag-kolyma-1940-1941-wikipedia",
                                     "claim:releases-gulag-kolyma-1942-wikipedia",
                                     "claim:located-in-sevvostlag-siberia-wikipedia"}
    assert column(run(kg, "claims-about-place"), "claim") == column(rows, "claim")  # Kolyma is the default


def test_cq39_people_held_near_a_place(kg):
    says(243, "spent 17 years in Norillag")
    rows = run(kg, "people-held-in-place")
    assert {(r["person"], r["siteLabel"], r["period"]) for r in rows} == {("person:popov", "Norillag", "1937/1954")}
    assert run(kg, "people-held-in-place", place="Kolyma") == []


def test_cq19_camps_known_to_exist_in_a_year(kg):
    says(85, 'In 1948, the system of "special camps" was established')
    says(243, "spent 17 years in Norillag", "Popov was released in 1954")
    says(246, "Pechorlag, Pechora, from 1940 to 1946")
    in_1950 = column(run(kg, "camps-in-year", year="1950"), "site")
    assert {"camp:special-camps-1948", "camp:norillag", "camp:corrective-labour-camps"} <= in_1950
    assert "camp:pechorlag" not in in_1950
    in_1940 = column(run(kg, "camps-in-year", year="1940"), "site")
    assert {"camp:pechorlag", "camp:norillag"} <= in_1940
    assert "camp:special-camps-1948" not in in_1940
    assert "camp:norillag" not in column(run(kg, "camps-in-year", year="1955"), "site")
    assert column(run(kg, "camps-in-year"), "site") == in_1950  # the default year is 1950


def test_cq20_special_institutions(kg):
    says(81, "Sachsenhausen (special camp number 7) and Buchenwald (special camp number 2)")
    says(85, 'the system of "special camps" was established exclusively for a "special contingent"')
    says(79, 'freed POWs went to special "filtration" camps')
    says(165, "for juveniles (малолетки, maloletki), the disabled (in Spassk), and mothers (мамки, mamki) with babies")
    says(233, "the Marfino sharashka or special prison")
    rows = run(kg, "special-institutions")
    assert {(r["site"], r["type"]) for r in rows} == {
        ("camp:nkvd-special-camps-in-germany", "NKVD special camp in Germany"),
        ("camp:sachsenhausen", "NKVD special camp in Germany"),
        ("camp:buchenwald", "NKVD special camp in Germany"),
        ("camp:special-camps-1948", "special camp"),
        ("camp:filtration-camps", "filtration camp"),
        ("camp:marfino-sharashka", "sharashka"),
        ("camp:spassk", "camp or zone for the disabled"),
        ("camp:juvenile-zones", "camp or zone for juveniles"),
        ("camp:mothers-zones", "camp or zone for mothers with infants"),
    }


# --- people and works -----------------------------------------------------------------------


def test_cq21_historians_and_scholars(kg):
    says(32, "According to historian Anne Applebaum")
    says(18, "by historian Orlando Figes")
    says(174, "According to historian Stephen Barnes")
    says(177, "favoured by historian Robert Conquest")
    says(192, "According to French historian Nicolas Werth")
    says(187, "only one historian, namely Zemskov")
    assert column(run(kg, "people-by-role"), "person") == {
        "person:applebaum", "person:figes", "person:barnes", "person:conquest", "person:werth", "person:zemskov"}
    says(149, "The Russian researcher Galina Ivanova")
    says(211, "such scholars as Rosefielde or Vishnevsky", "Robert Conquest or Stephen Wheatcroft")
    says(96, "In her 2018 study, Golfo Alexopoulos")
    says(97, "In a University of Oxford doctoral dissertation")
    assert column(run(kg, "people-by-role", role="role:scholar"), "person") == {
        "person:ivanova", "person:rosefielde", "person:vishnevsky", "person:wheatcroft",
        "person:alexopoulos", "person:nakonechnyi"}


def test_cq22_people_who_were_prisoners(kg):
    says(5, "who survived eight years of Gulag incarceration")
    says(42, "from being an inmate")
    says(115, "According to prisoner Yevgenia Ginzburg")
    says(119, "Boris Sulim, a former prisoner")
    says(231, "By describing life in the Gulag in a harrowing personal account")
    says(237, "He spent 20 years in camps from Solovki to Norilsk.")
    says(239, "were two interned American citizens who wrote of their ordeal")
    says(243, "spent 17 years in Norillag")
    says(244, "Mkrtich Armen, an Armenian writer who was imprisoned in 1937")
    says(245, "Gurgen Mahari, an Armenian writer and poet, who was arrested in 1936, released in 1947")
    says(268, "Gulag survivor Anton Antonov-Ovseyenko")
    says(327, "Man Is Wolf to Man: Surviving the Gulag")
    prisoners = column(run(kg, "people-by-role", role="role:prisoner"), "person")
    assert {
        "person:solzhenitsyn", "person:frenkel", "person:ginzburg", "person:sulim", "person:herling-grudzinski",
        "person:stajner", "person:dolgun", "person:noble", "person:popov", "person:armen", "person:mahari",
        "person:antonov-ovseyenko", "person:bardach",
    } <= prisoners
    # officials and historians the article does not call prisoners
    assert not {"person:yezhov", "person:vyshinsky", "person:zemskov", "person:applebaum"} & prisoners


def test_cq23_works_written_by_former_prisoners(kg):
    says(5, "The Gulag Archipelago in 1973")
    says(233, '"One Day in the Life of Ivan Denisovich"', "later published abroad in 1968")
    says(240, "Journey Into the Whirlwind and Within the Whirlwind")
    says(232, "Victor Herman's book Coming out of the Ice")
    says(243, "From the Leipzig trial to the Siberia camps")
    says(244, '"They Ordered to Give You" in 1964')
    says(245, '"Barbed Wires in Blossom"')
    rows = run(kg, "memoirs-of-prisoners")
    works = column(rows, "work")
    assert {
        "work:solzhenitsyn-gulag-archipelago", "work:solzhenitsyn-one-day", "work:solzhenitsyn-first-circle",
        "work:ginzburg-journey-into-the-whirlwind", "work:ginzburg-within-the-whirlwind",
        "work:herling-grudzinski-world-apart", "work:herman-coming-out-of-the-ice",
        "work:stajner-7000-days-in-siberia", "work:popov-from-the-leipzig-trial-to-the-siberia-camps",
        "work:armen-they-ordered-to-give-you", "work:mahari-barbed-wires-in-blossom",
        "work:bardach-man-is-wolf-to-man",
    } <= works
    years = {r["work"]: r["year"] for r in rows}
    assert (years["work:solzhenitsyn-gulag-archipelago"], years["work:armen-they-ordered-to-give-you"],
            years["work:bardach-man-is-wolf-to-man"]) == ("1973", "1964", "1999")
    # line 228: Kravchenko met the camps as a leader of industrial plants, not as a prisoner
    assert "work:kravchenko-i-chose-freedom" not in works


def test_cq24_works_the_article_cites(kg):
    rows = {r["work"]: r for r in run(kg, "works")}
    says(289, "Applebaum, Anne. 2003. Gulag: A History.")
    says(305, "Solzhenitsyn, Aleksandr. 1973. The Gulag Archipelago.")
    says(345, "Shalamov, Varlam. 1995. Kolyma Tales. Penguin Books.")
    says(227, "Varlam Shalamov's Kolyma Tales is a short-story collection")
    says(246, "Gulag Boss: A Soviet Memoir is a 2011 memoir by Fyodor Vasilevich Mochulsky")
    says(193, "In 2004 and 2005, some archival documents were published in the edition Istoriya Stalinskogo Gulaga.")
    assert {w: (rows[w]["title"], rows[w]["year"], rows[w]["authors"]) for w in [
        "work:applebaum-gulag-a-history", "work:solzhenitsyn-gulag-archipelago",
        "work:shalamov-kolyma-tales", "work:mochulsky-gulag-boss"]} == {
        "work:applebaum-gulag-a-history": ("Gulag: A History", "2003", "Anne Applebaum"),
        "work:solzhenitsyn-gulag-archipelago": ("The Gulag Archipelago", "1973", "Aleksandr Solzhenitsyn"),
        # line 227 names the work without a year; 1995 is the Penguin edition's (line 345)
        "work:shalamov-kolyma-tales": ("Kolyma Tales", None, "Varlam Shalamov"),
        "work:mochulsky-gulag-boss": ("Gulag Boss: A Soviet Memoir", "2011", "Fyodor Vasilevich Mochulsky"),
    }
    assert rows["work:shalamov-kolyma-tales-penguin-1995"]["year"] == "1995"
    assert rows["work:istoriya-stalinskogo-gulaga"]["year"] == "2004/2005"
    assert len(rows) >= 100
    assert "source:wikipedia-en-gulag" not in rows  # the stored source is not a cited work


def test_cq31_who_was_held_where_and_when(kg):
    rows = run(kg, "imprisoned-people")
    got = {(r["personLabel"], r["siteLabel"], r["period"]) for r in rows}
    says(243, "was arrested in 1937", "spent 17 years in Norillag", "released in 1954")
    says(42, "He was sentenced to 10 years' hard labor at Solovki")
    says(234, "In 1941, the author and six other fellow prisoners escaped a Soviet labor camp in Yakutsk.")
    says(239, "c. 1946–55")
    says(229, "his experiences as a prisoner in 1939", "Granovsky's father was sent to the Gulag in 1937")
    assert {
        ("Blagoy Popov", "Norillag", "1937/1954"),
        ("Naftaly Frenkel", "Solovki prison camp", None),
        ("Karlo Štajner", "Solovki prison camp", None),
        ("Slavomir Rawicz", "Soviet labor camp in Yakutsk", "../1941"),
        ("Gurgen Mahari", "Gulag", "1936/1947"),
        ("Alexander Dolgun", "Gulag", "1946~/1955~"),
        ("John H. Noble", "Gulag", "1946~/1955~"),
        ("Aleksandr Solzhenitsyn", "Gulag", None),
        ("Anton Antonov-Ovseyenko", "Gulag", None),
        ("Anatoli Granovsky", "Gulag", "1939"),
        ("Father of Anatoli Granovsky", "Gulag", "1937"),
    } <= got


# --- law, events, categories ----------------------------------------------------------------


def test_cq25_legal_acts(kg):
    rows = run(kg, "legal-acts")
    got = {r["act"]: (r["date"], r["number"], r["issuerLabel"]) for r in rows}
    says(41, "a secret decree from the Sovnarkom of July 11, 1929", "Politburo meeting of June 27, 1929")
    says(51, "OGPU order 130/63", "Sovnarkom order 22 p. 248 dated April 7, 1930")
    says(131, "On August 7, 1932, a new decree drafted by Stalin (Law of Spikelets)")
    says(52, "Article 58", "Under NKVD Order No. 00447")
    says(79, "(see Order No. 270)")
    says(87, "MVD order Number 20 on January 25, 1960")
    assert {act: got[act] for act in [
        "act:ogpu-order-130-63", "act:sovnarkom-order-22-p-248", "act:sovnarkom-decree-1929-07-11",
        "act:politburo-meeting-1929-06-27", "act:law-of-spikelets", "act:mvd-order-20-1960",
        "act:nkvd-order-00447", "act:article-58", "act:order-270"]} == {
        "act:ogpu-order-130-63": ("1930-04-25", "130/63", "OGPU"),
        "act:sovnarkom-order-22-p-248": ("1930-04-07", "22 p. 248", "Council of People's Commissars (of the USSR)"),
        "act:sovnarkom-decree-1929-07-11": ("1929-07-11", None, "Council of People's Commissars (of the USSR)"),
        "act:politburo-meeting-1929-06-27": ("1929-06-27", None, "Politburo of the Communist Party of the Soviet Union"),
        "act:law-of-spikelets": ("1932-08-07", None, None),
        "act:mvd-order-20-1960": ("1960-01-25", "20", "MVD"),
        "act:nkvd-order-00447": (None, "00447", "NKVD"),
        "act:article-58": (None, "58", None),
        "act:order-270": (None, "270", None),
    }
    dates = [r["date"] for r in rows if r["date"]]
    assert dates == sorted(dates) and rows[-1]["date"] is None


def test_cq26_events_in_order(kg):
    rows = run(kg, "events")
    when = {r["event"]: r["when"] for r in rows}
    order = [r["event"] for r in rows]
    says(51, "officially established on April 25, 1930")
    says(52, "During the Great Purge of 1937–38")
    says(86, "The amnesty of 1953", "his Secret Speech at the 20th Congress of the CPSU in February 1956")
    says(269, "In November 2024, the Gulag History Museum in Moscow was ordered to close")
    assert (when["event:gulag-establishment-1930"], when["event:great-purge"], when["event:amnesty-1953"],
            when["event:secret-speech"], when["event:gulag-abolition-1960"],
            when["event:gulag-history-museum-closure-order-2024"]) == (
        "1930-04-25", "1937/1938", "1953", "1956-02", "1960-01-25", "2024-11")
    sequence = ["event:gulag-establishment-1930", "event:great-purge", "event:amnesty-1953",
                "event:secret-speech", "event:gulag-abolition-1960", "event:gulag-history-museum-closure-order-2024"]
    assert [order.index(e) for e in sequence] == sorted(order.index(e) for e in sequence)
    assert when[order[-1]] is None  # undated events come last


def test_cq27_categories_of_prisoners(kg):
    rows = {r["category"]: r for r in run(kg, "prisoner-categories")}
    says(166, "(ЧСИР, член семьи изменника Родины, ChSIR")
    says(126, 'Dedicated criminals: "thieves in law"')
    says(125, "Kulaks, osadniks, ukazniks")
    says(165, "juveniles (малолетки, maloletki)", "mothers (мамки, mamki)")
    says(254, "вольнопоселенцы", "ссыльнопоселенцы")
    says(85, 'a "special contingent" of political prisoners')
    assert rows["cat:chsir"]["labelRu"] == "член семьи изменника Родины"
    assert "thieves in law" in rows["cat:dedicated-criminals"]["otherNames"]
    assert (rows["cat:juveniles"]["labelRu"], rows["cat:mothers-with-babies"]["labelRu"]) == ("малолетки", "мамки")
    assert (rows["cat:free-settlers"]["labelRu"], rows["cat:exile-settlers"]["labelRu"]) == ("вольнопоселенцы", "ссыльнопоселенцы")
    assert {"cat:kulaks", "cat:osadniks", "cat:ukazniks", "cat:special-contingent",
            "cat:political-prisoners", "cat:political-and-religious-prisoners"} <= set(rows)


def test_cq29_figures_of_the_war_years(kg):
    rows = run(kg, "war-years-figures")
    got = {(r["claim"], r["value"] or r["lower"]) for r in rows}
    says(62, "516,841 prisoners died in prison camps in 1941–43", "In the winter of 1941, a quarter of the Gulag's population died")
    says(71, "By January 1941, the Gulag workforce had increased by approximately 300,000 prisoners.")
    says(61, "only 583 men survived, released in 1942")
    says(79, "more than 90 percent were cleared, and about 8 percent were arrested", "In 1945 about 100 filtration camps")
    says(213, "1.3 million were punished in 1942, and 1 million each were punished in subsequent 1943 and 1944")
    assert {
        ("claim:deaths-gulag-1941-1943-wikipedia", "516841"),
        ("claim:mortality-rate-gulag-1941-wikipedia", "25"),
        ("claim:prisoner-population-gulag-1941-peak-source", "1500000"),
        ("claim:count-gulag-workforce-increase-1941-wikipedia", "300000"),
        ("claim:releases-gulag-kolyma-1942-wikipedia", "583"),
        ("claim:share-of-population-filtration-camps-cleared-1944-wikipedia", "90"),
        ("claim:share-of-population-filtration-camps-arrested-1944-wikipedia", "8"),
        ("claim:number-of-camps-filtration-camps-1945-wikipedia", "100"),
        ("claim:count-labour-disciplinary-punished-1942-wikipedia", "1300000"),
        ("claim:count-labour-disciplinary-punished-1943-wikipedia", "1000000"),
        ("claim:count-labour-disciplinary-punished-1944-wikipedia", "1000000"),
    } <= got
    # the Kolyma figure of 1940–41 starts before the war years, so it is not among them
    assert "claim:prisoners-passed-through-gulag-kolyma-1940-1941-wikipedia" not in column(rows, "claim")


def test_cq30_economic_role_of_forced_labour(kg):
    says(67, "forced labor provided 46.5% of the nation's nickel, 76% of its tin, 40% of its cobalt, "
             "40.5% of its chrome-iron ore, 60% of its gold, and 25.3% of its timber")
    says(69, "half as productive as free laborers")
    rows = {r["claim"]: r for r in run(kg, "economic-role")}
    share = {c.removeprefix("claim:share-of-output-gulag-").removesuffix("-wikipedia"): r["value"]
             for c, r in rows.items() if r["property"] == "gk:shareOfOutput"}
    assert share == {"nickel": "46.5", "tin": "76", "cobalt": "40", "chrome-iron-ore": "40.5", "gold": "60", "timber": "25.3"}
    assert all(r["unit"] == "unit:percent" for r in rows.values() if r["property"] == "gk:shareOfOutput")
    assert rows["claim:economic-figure-gulag-productivity-wikipedia"]["value"] == "0.5"


# --- interpretation and sources -------------------------------------------------------------


def test_cq34_explanations_of_the_origins_and_functions_of_the_gulag(kg):
    says(176, "championed by Alexander Solzhenitsyn, and is what Barnes terms the moral explanation")
    says(177, "the political explanation", "favoured by historian Robert Conquest")
    says(178, "The economic explanation, in turn as set out by historian Anne Applebaum")
    says(179, "Barnes advances his own, fourth explanation")
    says(180, 'experiments in "total domination."', "was not merely political repression")
    says(181, "the function of the Gulag system was not truly economic")
    rows = run(kg, "interpretations")
    assert {(r["claimantLabel"], r["relation"], r["interpretation"]) for r in rows} == {
        ("Aleksandr Solzhenitsyn", "explains by", "moral explanation"),
        ("Robert Conquest", "explains by", "political explanation"),
        ("Anne Applebaum", "explains by", "economic explanation"),
        ("Stephen Barnes", "explains by", "social cleansing explanation"),
        ("Hannah Arendt", "explains by", "total domination"),
        ("Hannah Arendt", "rejects", "political explanation"),
        ("Hannah Arendt", "rejects", "economic explanation"),
        ("unnamed sources", "explains by", "economic explanation"),
    }
    assert all(r["quote"] for r in rows)


def test_cq35_reliability_of_the_sources_and_of_zemskovs_work(kg):
    says(188, "a sufficient degree of reliability of the reports")
    says(189, "These had been generally accepted by leading Western scholars",
         "Not all the conclusions drawn by Zemskov based on his data have been generally accepted")
    says(192, "represent only a very small part of bureaucratic prose")
    says(211, "Rosefielde or Vishnevsky point at several inconsistencies in archival data")
    rows = run(kg, "source-assessments")
    got = {(r["subjectLabel"], r["claimantLabel"]) for r in rows}
    assert {
        ("Statistical reports of the OGPU–NKVD–MGB–MVD", "Gulag (English Wikipedia article)"),
        ("Statistical reports of the OGPU–NKVD–MGB–MVD", "Steven Rosefielde"),
        ("Statistical reports of the OGPU–NKVD–MGB–MVD", "Vishnevsky"),
        ("Viktor Zemskov's publications of Gulag archival statistics (1990–1992)", "Gulag (English Wikipedia article)"),
        ("Viktor Zemskov", "Sergei Maksudov"),
        ("Viktor Zemskov", "Viktor Zemskov"),
        ("Aleksandr Solzhenitsyn", "Sergei Maksudov"),
        ("Lev Razgon", "Sergei Maksudov"),
        ("Gulag archives in the State Archive of the Russian Federation", "Nicolas Werth"),
        ("Local camp archives", "Nicolas Werth"),
    } <= got
    assert sum(1 for r in rows if r["subjectLabel"] == "Viktor Zemskov" and r["claimantLabel"] == "Sergei Maksudov") == 3
    assert any("sufficient degree of reliability" in r["assessment"] for r in rows)


def test_cq28_wikidata_links_come_from_the_verified_table(kg):
    with (ROOT / "graph" / "wikidata-qids.tsv").open(encoding="utf-8", newline="") as f:
        table = {row["qid"]: row for row in csv.DictReader(f, delimiter="\t")}
    rows = run(kg, "wikidata-links")
    assert len(rows) >= 20
    for r in rows:
        qid = r["wikidata"].removeprefix("wd:")
        assert qid in table, r
        assert r["confidence"] == table[qid]["confidence"]
        assert r["entity"].split(":", 1)[1].rsplit("/", 1)[-1] == table[qid]["key"]
    assert {(r["entity"], r["wikidata"]) for r in rows} >= {
        ("agency:gulag", "wd:Q161448"), ("agency:nkvd", "wd:Q182449"), ("person:stalin", "wd:Q855")}


def test_cq32_russian_names(kg):
    rows = {(r["entity"], r["ru"]) for r in run(kg, "russian-names")}
    says(1, "Гла́вное управле́ние исправи́тельно-трудовы́х лагере́й")
    says(20, "Главное управление по делам военнопленных и интернированных")
    says(41, "исправи́тельно-трудовые лагеря")
    says(166, "член семьи изменника Родины")
    says(254, "вольное поселение")
    says(262, "Первый Отдел")
    assert {
        ("agency:gulag", "Главное управление исправительно-трудовых лагерей"),
        ("agency:gupvi", "Главное управление по делам военнопленных и интернированных"),
        ("camp:corrective-labour-camps", "исправительно-трудовые лагеря"),
        ("cat:chsir", "член семьи изменника Родины"),
        ("cat:juveniles", "малолетки"),
        ("cat:mothers-with-babies", "мамки"),
        ("event:free-settlement", "вольное поселение"),
        ("agency:first-departments", "Первый Отдел"),
    } <= rows
