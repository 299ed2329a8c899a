"""Names in two scripts: cleaning, transliteration and the keys that matching compares.

Shared by every importer (labels the source gives only in Russian get a transliterated English
label) and by :mod:`.matching` (names compared across scripts and spellings).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["clean", "exact_key", "numbers", "skeleton", "split_names", "stems", "tokens", "transliterate"]

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "ї": "yi", "є": "ye", "ґ": "g",
}  # fmt: skip
_HAS_CYRILLIC = re.compile("[\u0400-\u04ff]")
#: Latin letters that look like Cyrillic ones, found inside Cyrillic words of the sources.
_HOMOGLYPHS = str.maketrans("aceopxykmthb", "асеорхукмтнв")

#: Words that say what kind of thing a name is, not which one (compared as skeletons).
GENERIC_WORDS = (
    "itl", "итл", "camp", "camps", "lager", "lagerya", "lagerei", "ispravitelno", "trudovoi",
    "trudovye", "trudovykh", "corrective", "labor", "labour", "special", "osoby", "osobyi",
    "spets", "spetslager", "osoblag", "of", "the", "and", "for", "in", "at", "i", "pri", "no",
    "number", "nkvd", "ogpu", "mvd", "mgb", "gulag", "system", "prison", "tyurma", "lo", "olp",
)  # fmt: skip
#: Words of place descriptions that name a kind of place, not a place.
PLACE_WORDS = (
    "region", "reion", "oblast", "oblasti", "krai", "kraya", "city", "gorod", "goroda", "village",
    "poselok", "selo", "station", "stantsiya", "now", "nyne", "republic", "respublika", "assr",
    "ssr", "river", "reka", "district", "raion", "rayon", "area", "near", "v", "na", "tam", "zhe",
    "the", "of", "and", "in", "at", "i", "camps", "lagerya", "town", "settlement", "rabochii",
    "poselka", "urochishche", "okrug", "autonomous", "avtonomnaya", "sovetskaya", "soviet",
    "islands", "island", "ostrov", "bolshoi", "severnoi", "zheleznoi", "dorogi", "railroad",
    "pod", "bliz", "bei", "pri", "okolo", "raione", "rayone", "byvshii", "gorodskogo", "tipa",
)  # fmt: skip


def clean(text: str) -> str:
    """Trim and collapse every run of whitespace (line breaks, double spaces) to one space.

    >>> clean("  Far Eastern  ITL\\n")
    'Far Eastern ITL'
    """
    return " ".join(str(text).split())


def split_names(text: str, *, separators: str = ",") -> tuple[str, ...]:
    """The names of a cell listing several (comma-separated, or as ``separators`` says), cleaned,
    without repeats (compared casefolded)."""
    names: list[str] = []
    for part in re.split("[" + re.escape(separators) + "]", text):
        name = clean(part)
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return tuple(names)


def _transliterate_word(word: str) -> str:
    lower = word.lower()
    lower = re.sub("[ыи]й$", "y", lower)
    latin = "".join(_CYRILLIC.get(ch, ch) for ch in lower)
    if len(word) > 1 and word.isupper():
        return latin.upper()
    return latin[:1].upper() + latin[1:] if word[:1].isupper() else latin


def transliterate(text: str) -> str:
    """Russian text in Latin letters (a simple BGN/PCGN-like scheme, for labels and matching).

    Adjective endings -ий/-ый become -y, the soft and hard signs are dropped, ``№`` becomes
    ``No``, and all-capital words stay capital. Latin text passes through unchanged.

    >>> transliterate("Колтубанский ПФЛ № 252")
    'Koltubansky PFL No 252'
    >>> transliterate("Акмолинское ЛО Карагандинского ИТЛ")
    'Akmolinskoe LO Karagandinskogo ITL'
    >>> transliterate("Норильлаг")
    'Norillag'
    """
    words = re.split(r"(\w+)", text.replace("№", "No"))
    return "".join(_transliterate_word(w) if _HAS_CYRILLIC.search(w) else w for w in words)


def _simplify(token: str) -> str:
    """A spelling skeleton of one Latin token: transliteration variants map to one form
    (х, ч and the German ch all become h: Бухенвальд = Buchenwald)."""
    for old, new in (("shch", "sh"), ("kh", "h"), ("ch", "h"), ("ts", "c"), ("tz", "c"), ("yo", "e"), ("ye", "e"),
                     ("yu", "u"), ("ya", "a"), ("j", "i"), ("y", "i"), ("w", "v"), ("x", "ks"), ("q", "k")):  # fmt: skip
        token = token.replace(old, new)
    token = re.sub(r"(.)\1+", r"\1", token)
    if len(token) > 4:
        token = re.sub(r"(?<=[^aeiou])i$", "", token)
    return token


_GENERIC = frozenset(_simplify(w) for w in GENERIC_WORDS)
_PLACE_GENERIC = frozenset(_simplify(w) for w in PLACE_WORDS)


def _fix_homoglyphs(text: str) -> str:
    words = re.split(r"(\w+)", text)
    return "".join(w.translate(_HOMOGLYPHS) if _HAS_CYRILLIC.search(w) else w for w in words)


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """Skeleton tokens of a name in any script: casefolded, transliterated, simplified."""
    text = _fix_homoglyphs(unicodedata.normalize("NFKC", text).casefold())
    latin = "".join(_CYRILLIC.get(ch, ch) for ch in text)
    return tuple(_simplify(t) for t in re.findall(r"[a-z0-9]+", latin))


@lru_cache(maxsize=65536)
def exact_key(text: str) -> str:
    """Casefolded words without punctuation and without 'ITL'/'ИТЛ' (script-sensitive)."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(w for w in words if w not in {"itl", "итл"})


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """The transliteration-insensitive key of a name: distinctive skeleton tokens, in order.

    >>> skeleton("Norillag") == skeleton("Норильлаг")
    True
    >>> skeleton("Sevvostlag") == skeleton("Севвостлаг")
    True
    >>> skeleton("Norilsky ITL") == skeleton("Норильский ИТЛ")
    True
    """
    return " ".join(t for t in tokens(text) if t not in _GENERIC)


#: Endings of Russian adjectives and nouns (transliterated) and the "-lag" of camp nicknames,
#: longest first: "Печорский", "Печорлаг" and "Pechora" share the stem "pehor".
_ENDINGS = ("skogo", "skaya", "skoye", "skikh", "skoe", "skie", "skiy", "skii", "sky", "ski", "sk", "lag",
            "ogo", "aya", "oye", "oe", "ie", "iy", "yy", "yi", "ii", "oy", "oi", "ey", "om",
            "a", "e", "i", "u", "y", "o")  # fmt: skip


@lru_cache(maxsize=65536)
def _raw_tokens(text: str) -> tuple[str, ...]:
    text = _fix_homoglyphs(unicodedata.normalize("NFKC", text).casefold())
    return tuple(re.findall(r"[a-z0-9]+", "".join(_CYRILLIC.get(ch, ch) for ch in text)))


def _stem(raw: str) -> str:
    for ending in _ENDINGS:
        if raw.endswith(ending) and len(raw) - len(ending) >= 4:
            return _simplify(raw[: -len(ending)])
    return _simplify(raw)


@lru_cache(maxsize=65536)
def stems(text: str, *, places: bool = False) -> frozenset[str]:
    """The stems of the distinctive words of a name, each of 4 letters or more: one case or
    adjective ending (or "-lag") cut off, then the spelling skeleton. ``places``: of a place
    description, without words such as 'region', 'city', 'village'.

    >>> stems("Norillag") == stems("Норильский ИТЛ") == stems("Norilsk", places=True)
    True
    >>> stems("Караганда") == stems("Карагандинская")
    False
    """
    generic = _PLACE_GENERIC if places else _GENERIC
    out = set()
    for raw in _raw_tokens(text):
        if _simplify(raw) in generic or raw.isdigit():
            continue
        token = _stem(raw)
        if len(token) >= 4 and token not in generic and _simplify(raw) not in generic:
            out.add(token)
    return frozenset(out)


_NUMBERED = re.compile(r"(?:№|\bno\b\.?|\bnumber\b|\bномер\b)\s*([0-9]+)", re.IGNORECASE)


@lru_cache(maxsize=65536)
def numbers(text: str) -> frozenset[str]:
    """The designator numbers of a name: "Спецлагерь № 2", "special camp number 2", "No. 7"."""
    return frozenset(_NUMBERED.findall(unicodedata.normalize("NFKC", text)))


def is_cyrillic(text: str) -> bool:
    return bool(_HAS_CYRILLIC.search(text))
