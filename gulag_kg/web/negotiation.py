"""Content negotiation: the media types the web layer speaks, and which one an ``Accept`` prefers.

One table for the whole site (:data:`MEDIA_TYPES`): the SPARQL endpoint and the linked-data
pages offer their representations from it, so a format has one name, one media type and one set
of aliases everywhere.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaType:
    """A representation: its short ``name`` (our format names, as in ``--format``), its
    registered ``media`` type, the ``aliases`` clients also send for it, what it carries
    (``kind``: ``results`` for SELECT/ASK, ``graph`` for RDF, ``page`` for HTML) and its file
    ``extension``."""

    name: str
    media: str
    kind: str
    extension: str
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The Content-Type header value (with ``charset=utf-8`` on every textual type)."""
        return self.media + "; charset=utf-8"


#: Every media type the site serves, in our order of preference within each kind.
MEDIA_TYPES: tuple[MediaType, ...] = (
    MediaType("json", "application/sparql-results+json", "results", "srj", ("application/json",)),
    MediaType("xml", "application/sparql-results+xml", "results", "srx", ("application/xml", "text/xml")),
    MediaType("csv", "text/csv", "results", "csv"),
    MediaType("tsv", "text/tab-separated-values", "results", "tsv"),
    MediaType("turtle", "text/turtle", "graph", "ttl", ("application/x-turtle", "text/n3", "text/rdf+n3")),
    MediaType("nt", "application/n-triples", "graph", "nt", ("text/plain",)),
    MediaType("rdfxml", "application/rdf+xml", "graph", "rdf", ("application/xml", "text/xml")),
    MediaType("jsonld", "application/ld+json", "graph", "jsonld", ("application/x-json+ld", "application/json")),
    MediaType("nquads", "application/n-quads", "graph", "nq", ("text/x-nquads",)),
    MediaType("trig", "application/trig", "graph", "trig", ("application/x-trig",)),
    MediaType("html", "text/html", "page", "html", ("application/xhtml+xml",)),
)


def media_types(kind: str) -> list[MediaType]:
    """The media types of one kind (``results``, ``graph``, ``page``), preferred first."""
    return [m for m in MEDIA_TYPES if m.kind == kind]


def by_name(name: str) -> MediaType:
    """>>> by_name("turtle").media
    'text/turtle'
    """
    return next(m for m in MEDIA_TYPES if m.name == name)


def choose(accept: str, offered: list[MediaType]) -> MediaType | None:
    """The representation of ``offered`` that ``accept`` prefers (aliases count as their
    type), or None if it admits none. Ties go to the earlier offer.

    >>> choose("application/rdf+xml", media_types("graph")).name
    'rdfxml'
    >>> choose("application/json", media_types("results")).name
    'json'
    >>> choose("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    ...        media_types("results") + media_types("page")).name
    'html'
    """
    names = _aliases(tuple(offered))
    found = negotiate(accept, list(names))
    return None if found is None else names[found]


@functools.lru_cache(maxsize=32)
def _aliases(offered: tuple[MediaType, ...]) -> dict[str, MediaType]:
    names: dict[str, MediaType] = {}
    for m in offered:
        for media in (m.media, *m.aliases):
            names.setdefault(media, m)
    return names


def negotiate(accept: str, offered) -> str | None:
    """The first media type of ``offered`` (ordered by our preference) that ``accept`` admits,
    highest q first; None if it admits none.

    >>> negotiate("text/csv;q=0.5, application/json", ["application/json", "text/csv"])
    'application/json'
    >>> negotiate("", ["text/turtle"])
    'text/turtle'
    >>> negotiate("image/png", ["text/turtle"]) is None
    True
    >>> negotiate("text/*;q=0.5, text/turtle;q=0", ["text/turtle", "text/csv"])
    'text/csv'
    """
    offered = list(offered)
    if not accept.strip():
        return offered[0] if offered else None
    choices = []
    refused = set()
    for i, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        media = media.lower()
        if not media:
            continue
        q = 1.0
        for p in params:
            if p.lower().startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            choices.append((-q, i, media))
        else:
            refused.add(media)
    for _, _, media in sorted(choices):
        if media in offered and media not in refused:
            return media
        if media == "*/*" or media.endswith("/*"):
            prefix = "" if media == "*/*" else media[:-1]
            found = next((m for m in offered if m.startswith(prefix) and m not in refused), None)
            if found:
                return found
    return None
