#!/usr/bin/env python3
"""Synthetic, Gulag-shaped RDF of any size, for benchmarks and scale tests.

Everything this writes is invented and says so: every IRI is under
``https://w3id.org/gulag-kg/id/synthetic/``, every label reads "Synthetic camp 12",
"Synthetic prisoner 4711", ..., and every quote begins "Synthetic quote". No person, camp,
number or date in it is real, and none of it may ever go into ``graph/``.

The shape of the data follows the project's model exactly (``ontology/gulag.ttl``,
``shapes/*.shacl.ttl``, ``docs/authoring.md``): agencies with their subordination; places with
WGS84 coordinates; camps (camp administrations, camps, colonies) with a site type, a location,
an activity, their subordination to agencies, yearly prisoner counts and deaths, some of them
disputed by other claims; historians and their studies as claimants; prisoners with a sentence
(a ``gk:duration`` claim in years) and one or two camp stays (``gk:imprisonedIn`` claims). Every
entity and claim carries ``gk:evidence`` (an ``oa:SpecificResource`` with an
``oa:TextQuoteSelector``, as blank nodes) on one synthetic source document.

Properties the generator guarantees:

* deterministic: the same ``--size``, ``--seed``, ``--violations`` and format give byte-identical
  output (gzip too: no timestamp, no file name in the header);
* streaming: lines are written as they are made, memory stays constant whatever the size;
* valid against the shapes, except for the planted defects. Their number, kinds, focus nodes
  and the SHACL result each must produce (severity, focus node, source shape) are written to a
  sidecar JSON file (``OUTPUT.manifest.json``) and summarised on stderr. The data is checked
  together with the ontology (class hierarchy and SKOS schemes), as ``gulag-kg validate`` does.

Usage::

    python bench/generate.py --size 1000000 --seed 1 -o /tmp/synthetic-1m.nt.gz
    python bench/generate.py --size 100000 -o synthetic.nq --violations 40

``.nt``, ``.nq`` (all quads in ``https://w3id.org/gulag-kg/graph/synthetic``), each optionally
``.gz``. ``--size`` counts triples; the output stops at the first record boundary at or above
it (a few dozen triples over at most).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import sys
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

GENERATOR_VERSION = "1"

# --- IRIs ---------------------------------------------------------------------------------

BASE = "https://w3id.org/gulag-kg/"
SYN = BASE + "id/synthetic/"
GRAPH_IRI = BASE + "graph/synthetic"
GK = BASE + "ontology#"
VOCAB = BASE + "vocab/"
SHAPES = BASE + "shapes#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
SCHEMA = "https://schema.org/"
EDTF = "http://id.loc.gov/datatypes/edtf/"


def _iri(value: str) -> str:
    return f"<{value}>"


A = _iri(RDF + "type")
LABEL = _iri(RDFS + "label")
EVIDENCE = _iri(GK + "evidence")
T_INT = _iri(XSD + "integer")
T_DEC = _iri(XSD + "decimal")
T_YEAR = _iri(XSD + "gYear")
T_EDTF = _iri(EDTF + "EDTF")

SOURCE = _iri(SYN + "source/synthetic-text")
CURATOR = _iri(SYN + "agent/generator")

SITE_CLASSES = ("CampAdministration", "Camp", "Colony")
SITE_TYPES = {"CampAdministration": "itl", "Camp": "camp", "Colony": "colony"}
ACTIVITIES = ("logging", "mining", "construction", "railroad-construction", "canal-construction",
              "agriculture", "manufacturing", "fishing", "metallurgy", "fuel-industry")
METHODS = ("archival-count", "archival-study", "official-report", "estimate", "document")
SENTENCES = (3, 5, 8, 10, 10, 10, 15, 25)

AGENCIES = 12          # fixed pool of synthetic agencies
PRISONERS_PER_CAMP = 150

# --- planted defects ------------------------------------------------------------------------


@dataclass(frozen=True)
class DefectKind:
    """One kind of planted defect: which record it goes into and the SHACL result it causes."""

    name: str
    record: str     # place | camp | population-claim | prisoner | sentence-claim | stay-claim
    severity: str   # Violation | Warning
    path: str       # the property concerned (for people; the result's path may differ for sequence paths)
    shape: str      # the source shape of the expected result


DEFECT_KINDS: tuple[DefectKind, ...] = (
    DefectKind("place-latitude-out-of-range", "place", "Violation", GEO + "lat", SHAPES + "PlaceShape-lat"),
    DefectKind("claim-missing-source", "sentence-claim", "Violation", PROV + "wasDerivedFrom", SHAPES + "ClaimShape-source"),
    DefectKind("camp-missing-site-type", "camp", "Violation", GK + "siteType", SHAPES + "DetentionSiteShape-siteType"),
    DefectKind("person-missing-english-label", "prisoner", "Violation", RDFS + "label", SHAPES + "EntityShape-englishLabel"),
    DefectKind("claim-bad-period", "population-claim", "Violation", GK + "period", SHAPES + "ClaimShape-period"),
    DefectKind("claim-missing-rank", "stay-claim", "Violation", GK + "rank", SHAPES + "ClaimShape-rank"),
    DefectKind("claim-lower-above-upper", "population-claim", "Violation", GK + "lowerBound", SHAPES + "ClaimShape-lowerBound"),
    DefectKind("person-without-role", "prisoner", "Warning", GK + "role", SHAPES + "PersonShape-role"),
    DefectKind("camp-without-coordinates", "camp", "Warning", GK + "location", SHAPES + "DetentionSiteShape-coordinates"),
)
_KINDS = {k.name: k for k in DEFECT_KINDS}


@dataclass(frozen=True)
class PlantedDefect:
    kind: str
    severity: str
    focus: str
    path: str
    shape: str


@dataclass
class Manifest:
    """What one run wrote: the parameters, the counts, and every planted defect."""

    generator_version: str
    size: int
    seed: int
    violations_requested: int
    format: str
    graph: str | None
    triples: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    planted: list[PlantedDefect] = field(default_factory=list)

    @property
    def expected_violations(self) -> int:
        return sum(p.severity == "Violation" for p in self.planted)

    @property
    def expected_warnings(self) -> int:
        return sum(p.severity == "Warning" for p in self.planted)

    def expected_results(self) -> set[tuple[str, str, str]]:
        """``{(severity, focus IRI, shape IRI)}``: the SHACL results validation must give."""
        return {(p.severity, p.focus, p.shape) for p in self.planted}

    def to_json(self) -> str:
        doc = asdict(self)
        doc["expected_violations"] = self.expected_violations
        doc["expected_warnings"] = self.expected_warnings
        doc["planted_by_kind"] = dict(sorted(Counter(p.kind for p in self.planted).items()))
        doc["note"] = ("Synthetic data for benchmarks: invented, not historical. Validate it together "
                       "with ontology/*.ttl; each planted defect gives exactly one SHACL result.")
        return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        doc = json.loads(text)
        planted = [PlantedDefect(**p) for p in doc.pop("planted")]
        fields = {k: doc[k] for k in ("generator_version", "size", "seed", "violations_requested",
                                      "format", "graph", "triples", "entities")}
        return cls(**fields, planted=planted)


# --- the generator ----------------------------------------------------------------------------


class SyntheticGraph:
    """Iterate :meth:`lines` for the N-Triples (or N-Quads) lines; :attr:`manifest` is complete
    once the iteration has finished."""

    def __init__(self, *, size: int, seed: int = 1, violations: int = 20, quads: bool = False) -> None:
        if size < 1:
            raise ValueError("size must be at least 1 triple")
        if violations < 0:
            raise ValueError("violations must not be negative")
        self.size = size
        self.seed = seed
        self.rng = random.Random(seed)
        self.end = f" {_iri(GRAPH_IRI)} .\n" if quads else " .\n"
        self.manifest = Manifest(GENERATOR_VERSION, size, seed, violations,
                                 "nquads" if quads else "ntriples", GRAPH_IRI if quads else None)
        self.count = 0
        self.bnode = 0
        self.entities: Counter[str] = Counter()
        # Defects: one is due every `step` triples; a due defect waits in `pending` for the next
        # record of its kind, so kinds rotate and each lands in a fitting record.
        self.step = size / violations if violations else None
        self.next_due = self.step / 2 if self.step else None
        self.rotation = 0
        self.pending: deque[DefectKind] = deque()
        self.buf: list[str] = []
        self.claim_serial = 0

    # low-level ------------------------------------------------------------------------
    def t(self, s: str, p: str, o: str) -> None:
        self.buf.append(f"{s} {p} {o}{self.end}")
        self.count += 1

    def _due(self) -> None:
        while self.next_due is not None and self.count >= self.next_due:
            self.pending.append(DEFECT_KINDS[self.rotation % len(DEFECT_KINDS)])
            self.rotation += 1
            self.next_due += self.step

    def take(self, record: str) -> DefectKind | None:
        """The oldest pending defect that goes into this kind of record, if any."""
        self._due()
        for kind in self.pending:
            if kind.record == record:
                self.pending.remove(kind)
                return kind
        return None

    def plant(self, kind: DefectKind, focus: str) -> None:
        self.manifest.planted.append(PlantedDefect(kind.name, kind.severity, focus, kind.path, kind.shape))

    def evidence(self, subject: str, quote: str) -> None:
        self.bnode += 1
        e, q = f"_:e{self.bnode}", f"_:q{self.bnode}"
        self.t(subject, EVIDENCE, e)
        self.t(e, A, _iri(OA + "SpecificResource"))
        self.t(e, _iri(OA + "hasSource"), SOURCE)
        self.t(e, _iri(OA + "hasSelector"), q)
        self.t(q, A, _iri(OA + "TextQuoteSelector"))
        self.t(q, _iri(OA + "exact"), f'"Synthetic quote {self.bnode}: {quote}"')

    def claim(self, slug: str, *, subject: str, prop: str, claimant: str, work: str | None, quote: str,
              value: str | None = None, lower: int | None = None, upper: int | None = None,
              unit: str | None = None, period: str | None = None, method: str | None = None,
              stance: str = "asserted", disputes: str | None = None, qualifier: str | None = None,
              omit: str | None = None) -> str:
        self.claim_serial += 1
        c = _iri(f"{SYN}claim/{slug}")
        self.t(c, A, _iri(GK + "Claim"))
        self.t(c, _iri(GK + "subject"), subject)
        self.t(c, _iri(GK + "property"), _iri(GK + prop))
        if value is not None:
            self.t(c, _iri(GK + "value"), value)
        if lower is not None:
            self.t(c, _iri(GK + "lowerBound"), f'"{lower}"^^{T_INT}')
        if upper is not None:
            self.t(c, _iri(GK + "upperBound"), f'"{upper}"^^{T_INT}')
        if unit is not None:
            self.t(c, _iri(GK + "unit"), _iri(f"{VOCAB}unit/{unit}"))
        if period is not None:
            self.t(c, _iri(GK + "period"), f'"{period}"^^{T_EDTF}')
        if qualifier is not None:
            self.t(c, _iri(GK + "qualifier"), f'"{qualifier}"')
        self.t(c, _iri(GK + "claimant"), claimant)
        if work is not None:
            self.t(c, _iri(GK + "statedIn"), work)
        if method is not None:
            self.t(c, _iri(GK + "method"), _iri(f"{VOCAB}method/{method}"))
        if omit != "rank":
            self.t(c, _iri(GK + "rank"), _iri(GK + "NormalRank"))
        self.t(c, _iri(GK + "stance"), _iri(f"{VOCAB}stance/{stance}"))
        if disputes is not None:
            self.t(c, _iri(GK + "disputes"), disputes)
        if omit != "source":
            self.t(c, _iri(PROV + "wasDerivedFrom"), SOURCE)
        self.t(c, _iri(PROV + "wasAttributedTo"), CURATOR)
        self.evidence(c, quote)
        self.entities["claim"] += 1
        return c

    # records ------------------------------------------------------------------------------
    def header(self) -> None:
        self.t(SOURCE, A, _iri(GK + "SourceDocument"))
        self.t(SOURCE, LABEL, '"Synthetic source text (generated for benchmarks, not a real document)"@en')
        self.t(SOURCE, _iri(GK + "workType"), _iri(VOCAB + "work-type/report"))
        self.t(SOURCE, _iri(GK + "localCopy"), '"bench/synthetic-source.txt"')
        self.t(CURATOR, A, _iri(PROV + "SoftwareAgent"))
        self.t(CURATOR, LABEL, '"gulag-kg synthetic data generator (bench/generate.py)"@en')
        self.entities["source"] += 1
        for i in range(1, AGENCIES + 1):
            a = self.agency(i)
            self.t(a, A, _iri(GK + "Agency"))
            self.t(a, LABEL, f'"Synthetic agency {i}"@en')
            self.t(a, LABEL, f'"Синтетическое ведомство {i}"@ru')
            self.t(a, _iri(GK + "abbreviation"), f'"SYN-A{i}"')
            self.evidence(a, f"Synthetic agency {i} ran synthetic camps.")
            self.entities["agency"] += 1

    def agency(self, i: int) -> str:
        return _iri(f"{SYN}agency/{i}")

    def block(self, k: int) -> Iterator[None]:
        """Camp ``k`` with its place, a historian and a study, the camp's claims and its
        prisoners. Yields after each record, so the caller can stop at a record boundary."""
        rng = self.rng
        # place
        p = _iri(f"{SYN}place/{k}")
        defect = self.take("place")
        self.t(p, A, _iri(GK + "Place"))
        self.t(p, LABEL, f'"Synthetic place {k}"@en')
        lat = 95.0 + rng.random() * 4 if defect else 45.0 + rng.random() * 25
        self.t(p, _iri(GEO + "lat"), f'"{lat:.4f}"^^{T_DEC}')
        self.t(p, _iri(GEO + "long"), f'"{30.0 + rng.random() * 140:.4f}"^^{T_DEC}')
        self.evidence(p, f"a synthetic camp at Synthetic place {k}")
        if defect:
            self.plant(defect, p[1:-1])
        self.entities["place"] += 1
        yield
        # camp
        c = _iri(f"{SYN}camp/{k}")
        cls = SITE_CLASSES[k % len(SITE_CLASSES)]
        defect = self.take("camp")
        self.t(c, A, _iri(GK + cls))
        self.t(c, LABEL, f'"Synthetic camp {k}"@en')
        self.t(c, LABEL, f'"Синтетлаг {k}"@ru')
        if not (defect and defect.name == "camp-missing-site-type"):
            self.t(c, _iri(GK + "siteType"), _iri(f"{VOCAB}site-type/{SITE_TYPES[cls]}"))
        if not (defect and defect.name == "camp-without-coordinates"):
            self.t(c, _iri(GK + "location"), p)
        self.t(c, _iri(GK + "activity"), _iri(f"{VOCAB}activity/{ACTIVITIES[rng.randrange(len(ACTIVITIES))]}"))
        self.evidence(c, f"Synthetic camp {k} was a synthetic camp at Synthetic place {k}.")
        if defect:
            self.plant(defect, c[1:-1])
        self.entities["camp"] += 1
        yield
        # a historian and a study, claimants of later claims
        h = _iri(f"{SYN}historian/{k}")
        self.t(h, A, _iri(GK + "Person"))
        self.t(h, LABEL, f'"Synthetic historian {k}"@en')
        self.t(h, _iri(GK + "role"), _iri(VOCAB + "role/historian"))
        self.evidence(h, f"Synthetic historian {k} counted.")
        self.entities["historian"] += 1
        yield
        w = _iri(f"{SYN}work/{k}")
        self.t(w, A, _iri(GK + "Work"))
        self.t(w, LABEL, f'"Synthetic study {k}"@en')
        self.t(w, _iri(GK + "workType"), _iri(VOCAB + "work-type/study"))
        self.t(w, _iri(SCHEMA + "author"), h)
        self.t(w, _iri(SCHEMA + "datePublished"), f'"{1990 + rng.randrange(30)}"^^{T_YEAR}')
        self.evidence(w, f"Synthetic study {k} by Synthetic historian {k}.")
        self.entities["work"] += 1
        yield
        # subordination: two periods under two agencies
        start = 1930 + rng.randrange(8)
        change = start + 2 + rng.randrange(8)
        close = change + 2 + rng.randrange(8)
        first = 1 + (k - 1) % AGENCIES  # camp 1 is under agency 1 first: the benchmarks query it
        second = 1 + (first + rng.randrange(AGENCIES - 1)) % AGENCIES
        for n, (agency, period) in enumerate(((first, f"{start}/{change}"), (second, f"{change}/{close}"))):
            self.claim(f"subordinate-camp-{k}-{n}", subject=c, prop="subordinateTo", value=self.agency(agency),
                       period=period, claimant=h, work=w,
                       quote=f"Synthetic camp {k} was under Synthetic agency {agency} in {period}.")
            yield
        # yearly prisoner counts, some disputed by a second synthetic historian
        for year in range(start, close + 1, 2):
            defect = self.take("population-claim")
            value = 1000 + rng.randrange(40000)
            slug = f"population-camp-{k}-{year}"
            kw: dict = {"value": f'"{value}"^^{T_INT}', "period": str(year)}
            if defect and defect.name == "claim-lower-above-upper":
                kw = {"lower": value + 500, "upper": value, "period": str(year)}
            elif defect and defect.name == "claim-bad-period":
                kw["period"] = f"{year}-13"
            claim = self.claim(slug, subject=c, prop="prisonerPopulation", unit="people", claimant=h, work=w,
                               method=METHODS[rng.randrange(len(METHODS))], stance="estimate",
                               quote=f"Synthetic camp {k} held {value} synthetic prisoners in {year}.", **kw)
            if defect:
                self.plant(defect, claim[1:-1])
            yield
            if rng.random() < 0.25 and k > 1:
                other = 1 + rng.randrange(k - 1)
                v2 = value + rng.randrange(5000)
                self.claim(f"{slug}-dispute", subject=c, prop="prisonerPopulation", value=f'"{v2}"^^{T_INT}',
                           unit="people", period=str(year), claimant=_iri(f"{SYN}historian/{other}"),
                           work=_iri(f"{SYN}work/{other}"), stance="disputed", disputes=claim,
                           quote=f"Synthetic historian {other} counted {v2} in Synthetic camp {k} in {year}.")
                yield
        deaths = 100 + rng.randrange(5000)
        self.claim(f"deaths-camp-{k}", subject=c, prop="deaths", value=f'"{deaths}"^^{T_INT}', unit="people",
                   period=f"{start}/{close}", claimant=h, work=w, method="archival-count",
                   quote=f"{deaths} synthetic prisoners died in Synthetic camp {k}.")
        yield
        # prisoners
        for j in range(PRISONERS_PER_CAMP):
            n = (k - 1) * PRISONERS_PER_CAMP + j + 1
            person = _iri(f"{SYN}prisoner/{n}")
            defect = self.take("prisoner")
            self.t(person, A, _iri(GK + "Person"))
            if defect and defect.name == "person-missing-english-label":
                self.t(person, LABEL, f'"Синтетический заключённый {n}"@ru')
            else:
                self.t(person, LABEL, f'"Synthetic prisoner {n}"@en')
            if not (defect and defect.name == "person-without-role"):
                self.t(person, _iri(GK + "role"), _iri(VOCAB + "role/prisoner"))
            self.evidence(person, f"Synthetic prisoner {n} (an invented person) was sentenced.")
            if defect:
                self.plant(defect, person[1:-1])
            self.entities["prisoner"] += 1
            yield
            arrest = start + rng.randrange(max(1, close - start))
            month, day = 1 + rng.randrange(12), 1 + rng.randrange(28)
            years = SENTENCES[rng.randrange(len(SENTENCES))]
            defect = self.take("sentence-claim")
            claim = self.claim(f"sentence-prisoner-{n}", subject=person, prop="duration",
                               value=f'"{years}"^^{T_INT}', unit="years", period=f"{arrest}-{month:02d}-{day:02d}",
                               qualifier="length of sentence (synthetic)", claimant=h, work=w, method="document",
                               quote=f"Synthetic prisoner {n} was sentenced to {years} years.",
                               omit="source" if defect else None)
            if defect:
                self.plant(defect, claim[1:-1])
            yield
            stays = [(k, arrest, min(arrest + years, close))]
            if rng.random() < 0.5 and k > 1:
                other = 1 + rng.randrange(k - 1)
                stays = [(k, arrest, arrest + 1), (other, arrest + 1, min(arrest + years, 1956))]
            for s, (camp, frm, to) in enumerate(stays):
                defect = self.take("stay-claim")
                claim = self.claim(f"stay-prisoner-{n}-{s}", subject=person, prop="imprisonedIn",
                                   value=_iri(f"{SYN}camp/{camp}"), period=f"{frm}/{max(frm, to)}", claimant=h, work=w,
                                   quote=f"Synthetic prisoner {n} was held in Synthetic camp {camp}.",
                                   omit="rank" if defect else None)
                if defect:
                    self.plant(defect, claim[1:-1])
                yield

    def lines(self) -> Iterator[str]:
        """The output lines, in order; stops at the first record boundary at or above ``size``."""
        self.header()
        yield from self._flush()
        k = 0
        while self.count < self.size:
            k += 1
            for _ in self.block(k):
                if len(self.buf) >= 4096:
                    yield from self._flush()
                if self.count >= self.size:
                    break
        yield from self._flush()
        self.manifest.triples = self.count
        self.manifest.entities = dict(sorted(self.entities.items()))

    def _flush(self) -> Iterator[str]:
        buf, self.buf = self.buf, []
        yield from buf


# --- files ----------------------------------------------------------------------------------


def manifest_path(output: Path) -> Path:
    return output.with_name(output.name + ".manifest.json")


def _format_of(output: Path) -> bool:
    """True for N-Quads, False for N-Triples (from the extension, ``.gz`` looked through)."""
    name = output.name[:-3] if output.name.endswith(".gz") else output.name
    if name.endswith(".nq"):
        return True
    if name.endswith(".nt"):
        return False
    raise ValueError(f"{output}: use a .nt, .nq, .nt.gz or .nq.gz file name")


def generate(output: Path | str, *, size: int, seed: int = 1, violations: int = 20) -> Manifest:
    """Write the synthetic graph to ``output`` and its manifest beside it; returns the manifest.

    The file is written to a temporary name and renamed, so an interrupted run leaves no
    half-written output under the final name.
    """
    output = Path(output)
    quads = _format_of(output)
    graph = SyntheticGraph(size=size, seed=seed, violations=violations, quads=quads)
    tmp = output.with_name(f".{output.name}.tmp")
    with open(tmp, "wb") as raw:
        if output.name.endswith(".gz"):
            # filename="" and mtime=0: the gzip header is the same on every run.
            stream = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
        else:
            stream = raw
        with io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=False) as text:
            write = text.write
            for line in graph.lines():
                write(line)
        if stream is not raw:
            stream.close()
    tmp.replace(output)
    manifest_path(output).write_text(graph.manifest.to_json(), encoding="utf-8")
    return graph.manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Example: python bench/generate.py --size 1000000 -o /tmp/syn-1m.nt.gz")
    parser.add_argument("--size", type=int, required=True, help="number of triples (approximate from above)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--violations", type=int, default=20,
                        help="how many defects to plant, spread through the file in rotating kinds (default 20)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output file: .nt, .nq, .nt.gz or .nq.gz")
    args = parser.parse_args(argv)
    try:
        manifest = generate(args.output, size=args.size, seed=args.seed, violations=args.violations)
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.output}: {manifest.triples} triples; planted {manifest.expected_violations} violation(s) and "
          f"{manifest.expected_warnings} warning(s); manifest {manifest_path(args.output)}", file=sys.stderr)
    for kind, n in sorted(Counter(p.kind for p in manifest.planted).items()):
        print(f"  {n:4d}  {kind} ({_KINDS[kind].severity})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
