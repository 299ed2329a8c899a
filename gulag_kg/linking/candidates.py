"""Finding Wikidata candidates for our entities that have no link yet, and scoring them.

For each entity of the kinds asked for, its English, Russian and alternative labels are looked
up (exactly, in batches, on the SPARQL endpoint; fuzzily with ``wbsearchentities`` on the API);
every item found is fetched (labels, ``P31``, dates, coordinates), its type is checked against
the classes expected for the kind (``P31/P279*``), and it is scored (:mod:`.scoring`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from .ours import LINK_TYPES, OurEntity, our_entities
from .scoring import Score, default_classes, score_candidate
from .wikibase import Wikibase, WikidataItem

#: The columns of the candidate table, in order.
CANDIDATE_COLUMNS = ("entity", "label", "qid", "candidate_label", "score", "evidence")


@dataclass(frozen=True)
class CandidateRow:
    """One candidate item for one of our entities."""

    entity: str
    label: str
    qid: str
    candidate_label: str
    score: float
    evidence: str
    type: str = ""
    description: str = ""
    found_by: tuple[str, ...] = ()
    signals: Mapping[str, float | None] = field(default_factory=dict)

    def cells(self) -> list[str]:
        return [self.entity, self.label, self.qid, self.candidate_label, f"{self.score:.3f}", self.evidence]


@dataclass(frozen=True)
class CandidateReport:
    rows: tuple[CandidateRow, ...]
    entities: tuple[OurEntity, ...]          # the entities without a link that were looked up
    sources: tuple[str, ...]

    @property
    def without_candidates(self) -> tuple[str, ...]:
        found = {r.entity for r in self.rows}
        return tuple(e.iri for e in self.entities if e.iri not in found)


def _follow_redirects(wikibase: Wikibase, items: dict[str, WikidataItem]) -> dict[str, WikidataItem]:
    targets = {i.redirect for i in items.values() if i.redirect and i.redirect not in items}
    if targets:
        items = {**items, **wikibase.items(targets)}
    return items


def find_candidates(store, wikibase: Wikibase, *, types: tuple[str, ...] = LINK_TYPES,
                    classes: Mapping[str, tuple[tuple[str, str], ...]] | None = None,
                    per_entity: int = 5, entities: list[OurEntity] | None = None) -> CandidateReport:
    """Candidates for every entity of ``types`` without a Wikidata link, best first.

    ``classes`` are the Wikidata classes expected for each kind (default:
    :func:`~gulag_kg.linking.scoring.default_classes`); a kind without any is not type-checked."""
    if classes is None:
        classes = default_classes()
    if entities is None:
        entities = [e for e in our_entities(store, types=types) if not e.qids]
    texts = {e.iri: e.search_texts() for e in entities}
    hits = wikibase.search(sorted({t for ts in texts.values() for t in ts}))

    found_by: dict[str, dict[str, set[str]]] = {}
    for e in entities:
        per: dict[str, set[str]] = defaultdict(set)
        for text, lang in texts[e.iri]:
            for qid, how in hits.get((text, lang), ()):
                per[qid].add(f"{how} {text!r}@{lang}")
        found_by[e.iri] = per
    qids = {q for per in found_by.values() for q in per}
    items = _follow_redirects(wikibase, wikibase.items(qids)) if qids else {}

    def resolved(qid: str) -> WikidataItem | None:
        item = items.get(qid)
        if item is not None and item.redirect and item.redirect in items:
            item = items[item.redirect]
        return item if item is not None and item.found else None

    by_type: dict[str, set[str]] = defaultdict(set)
    for e in entities:
        for q in found_by[e.iri]:
            item = resolved(q)
            if item is not None:
                by_type[e.type].add(item.qid)
    matches: dict[tuple[str, str], set[str]] = {}
    for kind, kind_qids in by_type.items():
        expected = [q for q, _ in classes.get(kind, ())]
        if not expected:
            continue  # no class to walk up to: the type signal stays neutral
        for qid, cls in wikibase.subclass_matches(kind_qids, expected).items():
            matches[(kind, qid)] = cls
    class_qids = {c for kind_qids in by_type.values() for q in kind_qids for c in items[q].instance_of[:3]}
    class_labels = wikibase.english_labels(class_qids) if class_qids else {}
    for kind in by_type:
        for q, name in classes.get(kind, ()):
            if name:
                class_labels.setdefault(q, name)

    rows = []
    for e in entities:
        scored: dict[str, tuple[Score, WikidataItem, set[str]]] = {}
        for q, how in found_by[e.iri].items():
            item = resolved(q)
            if item is None:
                continue
            if item.qid in scored:
                scored[item.qid][2].update(how)
                continue
            score = score_candidate(e, item, type_matches=matches.get((e.type, item.qid), set()),
                                    expected=classes.get(e.type, ()), class_labels=class_labels)
            scored[item.qid] = (score, item, set(how))
        ranked = sorted(scored.values(), key=lambda x: (-x[0].total, int(x[1].qid[1:])))[:per_entity]
        for score, item, how in ranked:
            rows.append(CandidateRow(
                entity=e.iri, label=e.label, qid=item.qid, candidate_label=item.label, score=score.total,
                evidence=score.words(), type=e.type, description=item.descriptions.get("en", ""),
                found_by=tuple(sorted(how)),
                signals={"label": score.label, "type": score.type, "dates": score.dates, "coordinates": score.coordinates}))
    return CandidateReport(tuple(rows), tuple(entities), wikibase.locations)


def format_candidates_tsv(rows: tuple[CandidateRow, ...] | list[CandidateRow]) -> str:
    """The candidate table as TSV: the header row, then one row per candidate (tabs and line
    breaks inside cells become spaces)."""
    lines = ["\t".join(CANDIDATE_COLUMNS)]
    for row in rows:
        lines.append("\t".join(" ".join(c.split()) for c in row.cells()))
    return "\n".join(lines) + "\n"
