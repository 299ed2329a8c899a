"""The Jinja2 environment of the pages: templates in ``templates/``, helpers for links, numbers
and languages. Pages link relatively (``root`` is the way back to the site's root), so the same
HTML serves from ``gulag-kg serve`` and from a published directory under any base URL."""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2
from markupsafe import Markup, escape

from ..entities import compact
from ..prefixes import PREFIXES
from ..version import __version__
from .urls import document_path
from .views import property_anchor

WIKIDATA = PREFIXES["wd"]
_NUMBER = re.compile(r"(?<![\w.,])\d{4,}(?:\.\d+)?(?![\w])")


def readable_number(text: str | None) -> str:
    """Digits grouped for reading: ``1053829`` -> ``1,053,829``, in ranges too; years (four
    digits) and anything else unchanged.

    >>> readable_number("1200000–1700000"), readable_number("1941"), readable_number("≥ 10000")
    ('1,200,000–1,700,000', '1941', '≥ 10,000')
    """
    if not text:
        return text or ""

    def group(m: re.Match) -> str:
        whole, dot, frac = m.group().partition(".")
        if len(whole) == 4 and not dot:
            return m.group()
        return f"{int(whole):,}" + dot + frac

    return _NUMBER.sub(group, text)


@jinja2.pass_context
def href(context, iri: str, ext: str = "html") -> str:
    """Where a link to ``iri`` goes: its document on this site, relative to the current page, or
    the IRI itself when it is not ours."""
    path = document_path(iri, ext)
    if path is None:
        return iri
    return context.get("root", "") + path


@jinja2.pass_context
def site_path(context, path: str) -> str:
    return context.get("root", "") + path


def lang_attr(term) -> Markup:
    """`` lang="ru"`` for a term with a language tag (every label keeps its language)."""
    lang = getattr(term, "lang", "") if not isinstance(term, str) else term
    return Markup(f' lang="{escape(lang)}"') if lang else Markup("")


def wikidata_id(iri: str) -> str:
    return iri[len(WIKIDATA):] if iri.startswith(WIKIDATA) else iri


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gulag_kg.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(number=readable_number, curie=compact, wikidata_id=wikidata_id, property_anchor=property_anchor)
    env.globals.update(href=href, path=site_path, lang=lang_attr, version=__version__)
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
