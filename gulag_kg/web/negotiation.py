"""Content negotiation: the media type of an offer that an ``Accept`` header prefers."""

from __future__ import annotations


def negotiate(accept: str, offered) -> str | None:
    """The first media type of ``offered`` (ordered by our preference) that ``accept`` admits,
    highest q first; None if it admits none.

    >>> negotiate("text/csv;q=0.5, application/json", ["application/json", "text/csv"])
    'application/json'
    >>> negotiate("", ["text/turtle"])
    'text/turtle'
    >>> negotiate("image/png", ["text/turtle"]) is None
    True
    """
    offered = list(offered)
    if not accept.strip():
        return offered[0]
    choices = []
    for i, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            choices.append((-q, i, media.lower()))
    for _, _, media in sorted(choices):
        if media in offered:
            return media
        if media == "*/*":
            return offered[0]
        if media.endswith("/*"):
            found = next((m for m in offered if m.startswith(media[:-1])), None)
            if found:
                return found
    return None
