"""Finding an entity by what a person types, and describing it.

An IRI or a prefixed name is read by index look-up (the quads of that subject), and so is every
part of a description: its cost grows with what the graph says of the entity, not with the size
of the store (under 50 ms at 10M triples, ``bench/describe_scale.py``). Only a name or a slug
(``NKVD``, ``nkvd``) needs a read of every name in the store (:func:`_labels`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from difflib import get_close_matches

import pyoxigraph as ox

from .errors import AmbiguousEntityError, UnknownEntityError
from .lookup import labels_of, quotes_of
from .prefixes import ID_NS as ID, PREFIXES
from .store import DERIVED_GRAPH, Store

@dataclass(frozen=True)
class Entity:
    iri: str
    label: str
    types: tuple[str, ...]

    @property
    def curie(self) -> str:
        return compact(self.iri)


def compact(iri: str) -> str:
    """A prefixed name for an IRI where a project prefix fits, else the IRI itself."""
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            best = prefix
    if best is not None:
        local = iri[len(PREFIXES[best]):]
        if local and all(c.isalnum() or c in "-_." for c in local):
            return f"{best}:{local}"
    return iri


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).strip()


_NAME_PROPERTIES = {"http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel"}
#: The predicates an entity is named by (the first is preferred for its English label).
_LABEL_PROPERTIES = tuple(PREFIXES[p] + local for p, local in (
    ("rdfs", "label"), ("skos", "prefLabel"), ("skos", "altLabel"), ("gk", "abbreviation")))
RDF_TYPE = PREFIXES["rdf"] + "type"


def entity_of(store: Store, iri: str) -> Entity | None:
    """The entity at ``iri`` (under ``/id/`` and with a type), read from the quads of that
    subject; None if the graph has no such entity. Named as :func:`resolve_entity` names it: an
    English label (``rdfs:label`` first), else the first label, else the prefixed name."""
    if not iri.startswith(str(ID)):
        return None
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return None
    types, labels, english = set(), set(), []
    for q in store.quads_for_pattern(node, None, None, None):
        p = q.predicate.value
        if p == RDF_TYPE:
            types.add(q.object.value)
        elif p in _LABEL_PROPERTIES and isinstance(q.object, ox.Literal):
            labels.add(q.object.value)
            if q.object.language == "en":
                english.append((_LABEL_PROPERTIES.index(p), q.object.value))
    if not types:
        return None
    label = min(english)[1] if english else next(iter(sorted(labels)), compact(iri))
    return Entity(iri, label, tuple(sorted(types)))


def resolve_entity(store: Store, thing: str) -> Entity:
    """The one entity ``thing`` names: an IRI, a prefixed name (``agency:nkvd``), a slug
    (``nkvd``), or a label or alternative name in any language (``NKVD``, ``ГУЛАГ``).

    Raises :class:`UnknownEntityError` (with close matches) or :class:`AmbiguousEntityError`.
    """
    thing = thing.strip()
    iri = thing
    prefix, sep, local = thing.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        iri = PREFIXES[prefix] + local
    if thing.startswith(("http://", "https://")) or (sep and prefix in PREFIXES):
        found = entity_of(store, iri)  # an index look-up, whatever the size of the store
        if found is None:
            raise UnknownEntityError(f"{thing!r} is not in the graph. Try 'gulag-kg query \"SELECT ...\"' or a label such as 'NKVD'.")
        return found
    wanted = _norm(thing)
    matches: dict[str, bool] = {}  # entity -> named so by rdfs:label or skos:prefLabel
    for iri, p, label in _labels(store):
        if _norm(label) == wanted:
            matches[iri] = matches.get(iri, False) or p in _NAME_PROPERTIES
    found = {iri: e for iri in sorted(matches) if (e := entity_of(store, iri)) is not None}
    if not found:
        found = {iri: e for iri in _slugs(store, wanted.replace(" ", "-")) if (e := entity_of(store, iri)) is not None}
    if len(found) > 1:
        # A name beats an alternative name: "Norillag" is the article camp's label and only an
        # alternative name of the imported camp that is owl:sameAs it.
        named = [i for i in found if matches.get(i)]
        if len(named) == 1:
            found = {named[0]: found[named[0]]}
    if len(found) == 1:
        return next(iter(found.values()))
    if len(found) > 1:
        listing = "; ".join(f"{compact(i)} ({e.label})" for i, e in list(found.items())[:10])
        raise AmbiguousEntityError(f"{thing!r} names {len(found)} entities: {listing}. Name one by its prefixed name.")
    names: dict[str, str] = {}
    others: dict[str, str] = {}
    for iri, p, label in _labels(store):
        (names if p in _NAME_PROPERTIES else others).setdefault(_norm(label), iri)
    by_label = others | names  # a name beats another entity's alternative name ("NKVD")
    hints = []
    for close in get_close_matches(wanted, list(by_label), n=5, cutoff=0.6):
        entity = entity_of(store, by_label[close])
        if entity is not None:
            hints.append(f"{entity.label} ({compact(entity.iri)})")
    hint = f" Did you mean: {'; '.join(hints)}?" if hints else ""
    raise UnknownEntityError(f"no entity is named {thing!r}.{hint}")


def _labels(store: Store):
    """``(IRI, predicate, text)`` of every name of the things under ``/id/``: a read of every
    name in the store (a name is found by its text, case and accents aside), not of every thing
    with a type (10 times less at 10M triples)."""
    for row in store.query("SELECT ?e ?p ?l WHERE { VALUES ?p { %s } ?e ?p ?l }" % " ".join(f"<{p}>" for p in _LABEL_PROPERTIES)):
        e, label = row["e"], row["l"]
        if isinstance(e, ox.NamedNode) and e.value.startswith(str(ID)) and isinstance(label, ox.Literal):
            yield e.value, row["p"].value, label.value


def _slugs(store: Store, slug: str) -> list[str]:
    """The things under ``/id/`` whose IRI ends in ``/slug`` (``nkvd``: ``agency:nkvd``)."""
    if not slug or "/" in slug:
        return []
    rows = store.query(f"""SELECT DISTINCT ?e WHERE {{ ?e a ?t
        FILTER(isIRI(?e) && STRSTARTS(STR(?e), {ox.Literal(str(ID))}) && STRENDS(STR(?e), {ox.Literal("/" + slug)})) }}""")
    return sorted(row["e"].value for row in rows)


# --- describe ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One triple about the entity, with readable labels."""

    predicate: str
    predicate_label: str
    value: str
    value_label: str
    direction: str  # "out": entity -> value; "in": value -> entity


@dataclass(frozen=True)
class Description:
    entity: Entity
    labels: tuple[tuple[str, str], ...]  # (language, label)
    statements: tuple[Statement, ...]
    quotes: tuple[str, ...]
    same_as: tuple[str, ...]
    claims: tuple  # ClaimRow, see gulag_kg.claims


_SKIP_OUT = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "https://w3id.org/gulag-kg/ontology#evidence",
    "http://www.w3.org/2002/07/owl#sameAs",
}


def describe_entity(store: Store, iri: str) -> Description:
    """Everything the graph says of ``iri``: labels, statements both ways, quotes, links, claims.

    Every read is an index look-up on ``iri`` or on the IRIs found next to it (their labels in
    one query, :func:`gulag_kg.lookup.labels_of`), never a pattern filtered afterwards."""
    from .claims import list_claims

    entity = entity_of(store, iri)
    if entity is None:
        raise UnknownEntityError(f"{iri!r} is not in the graph.")
    node = ox.NamedNode(iri)
    labels, same_as, out, into = [], [], [], []
    for q in store.quads_for_pattern(node, None, None, None):
        if q.graph_name == DERIVED_GRAPH:  # the truthy view repeats the claims listed below
            continue
        p = q.predicate.value
        if p == "http://www.w3.org/2000/01/rdf-schema#label" and isinstance(q.object, ox.Literal):
            labels.append((q.object.language or "", q.object.value))
        elif p == "http://www.w3.org/2002/07/owl#sameAs":
            same_as.append(q.object.value)
        if p in _SKIP_OUT or isinstance(q.object, ox.BlankNode):
            continue
        out.append((p, q.object))
    for q in store.quads_for_pattern(None, None, node, None):
        if q.graph_name == DERIVED_GRAPH or not isinstance(q.subject, ox.NamedNode) or q.predicate.value.startswith("https://w3id.org/gulag-kg/ontology#subject"):
            continue
        subject = q.subject.value
        if subject.startswith(str(ID) + "claim/") or subject.startswith(str(ID) + "link/"):
            continue
        into.append((q.predicate.value, subject))
    names = labels_of(store, {o.value for _, o in out if isinstance(o, ox.NamedNode)} | {s for _, s in into})
    statements = [Statement(p, compact(p), o.value, names.get(o.value, compact(o.value)) if isinstance(o, ox.NamedNode) else o.value, "out")
                  for p, o in out]
    statements += [Statement(p, compact(p), s, names.get(s, compact(s)), "in") for p, s in into]
    return Description(
        entity=entity,
        labels=tuple(sorted(set(labels))),
        statements=tuple(sorted(set(statements), key=lambda s: (s.direction != "out", s.predicate_label, s.value_label))),
        quotes=quotes_of(store, [iri]).get(iri, ()),
        same_as=tuple(sorted(set(same_as))),
        claims=tuple(list_claims(store, iri)),
    )
