"""Parameters of named queries: declared in the query's header, resolved like ``describe``.

A shipped ``.rq`` file declares each parameter on a header line::

    # param: place (gk:Place) a region, country or river, default place:kazakhstan, e.g. Kolyma

that is: the variable's name, its type in brackets, a description, optionally ``default X``
(bound when the caller gives no value, so the answer's column is never blank) and ``e.g. Y``.

A type is ``xsd:integer``, ``xsd:string``, a class of the ontology (``gk:Place``,
``gk:Agency``...: the value is an entity of that class or a subclass), ``gk:ClaimProperty``,
or a concept scheme (``gkv:role``). An entity is named as ``describe`` names it: by IRI,
prefixed name, slug, or any label or alternative name in any language, case and accents
ignored. A value that names nothing, names several things, or names a thing of another type is
a :class:`ParameterError` (exit code 2) that lists the candidates; nothing is ever run with a
value that matched nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import get_close_matches

import pyoxigraph as ox

from .errors import QueryError
from .entities import compact as _compact
from .prefixes import expand as _expand

_XSD = "http://www.w3.org/2001/XMLSchema#"
_HEADER = re.compile(r"^#\s*param:\s*(?P<name>[A-Za-z_]\w*)\s*\((?P<type>[^)]+)\)\s*(?P<rest>.*)$")


class ParameterError(QueryError):
    """A parameter value that cannot be bound: unknown, ambiguous, or of the wrong type."""


@dataclass(frozen=True)
class QueryParameter:
    """One declared parameter of a named query."""

    name: str
    type: str  # a prefixed name: xsd:integer, gk:Place, gkv:role...
    description: str = ""
    default: str | None = None
    example: str | None = None

    @property
    def type_label(self) -> str:
        """The type as a reader sees it in ``--list``: ``integer``, ``gk:Place``."""
        return {"xsd:integer": "integer", "xsd:string": "text", "xsd:decimal": "number", "IRI": "entity"}.get(self.type, self.type)

    def usage(self) -> str:
        """One line for ``--list``: ``--param year=INTEGER  the year (default 1941), e.g. year=1943``."""
        parts = [f"--param {self.name}={self.type_label}"]
        if self.description:
            parts.append(self.description)
        extras = []
        if self.default is not None:
            extras.append(f"default {self.default}")
        if self.example is not None:
            extras.append(f"e.g. {self.name}={self.example}")
        text = "  ".join(parts)
        return f"{text} ({'; '.join(extras)})" if extras else text


def parse_parameters(text: str) -> tuple[QueryParameter, ...]:
    """The parameters a query's header declares (``# param:`` lines before the first query line).

    >>> parse_parameters("# param: year (xsd:integer) the year, default 1941, e.g. 1943\\nSELECT ?year {}")
    (QueryParameter(name='year', type='xsd:integer', description='the year', default='1941', example='1943'),)
    """
    out = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        rest = m["rest"].strip()
        example = default = None
        e = re.search(r"(?:^|,\s*|\s)e\.g\.\s+(.+)$", rest)
        if e:
            example = e.group(1).strip()
            rest = rest[: e.start()].strip()
        d = re.search(r"(?:^|,\s*|\s)default\s+(\S+)$", rest)
        if d:
            default = d.group(1).strip()
            rest = rest[: d.start()].strip()
        out.append(QueryParameter(m["name"], m["type"].strip(), rest.rstrip(",;").strip(), default, example))
    return tuple(out)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).replace("_", " ").split())


@dataclass(frozen=True)
class _Candidate:
    iri: str
    label: str
    names: frozenset[str]  # normalised rdfs:label / skos:prefLabel
    others: frozenset[str]  # normalised alternative names and abbreviations
    types: tuple[str, ...]


def _type_pattern(type_: str) -> str:
    """A graph pattern binding ?e to the resources of the parameter's type."""
    if type_.startswith("gkv:"):
        return f"?e skos:inScheme <{_expand(type_)}> ."
    if type_ == "gk:ClaimProperty":
        return "?e a/rdfs:subClassOf* gk:ClaimProperty ."
    if type_ == "IRI":
        return "?e a ?anyType ."
    return f"?e a/rdfs:subClassOf* <{_expand(type_)}> ."


_NAMES = "VALUES ?p { rdfs:label skos:prefLabel skos:altLabel gk:abbreviation } ?e ?p ?label ."
#: Most candidates a suggestion looks at (an on-disk store may hold millions of people).
_MAX_CANDIDATES = 100_000


def _collect(rows) -> list[_Candidate]:
    found: dict[str, dict] = {}
    for row in rows:
        iri = row["e"].value
        entry = found.setdefault(iri, {"names": set(), "others": set(), "types": set(), "en": None, "any": None})
        if row["type"] is not None:
            entry["types"].add(_compact(row["type"].value))
        label = row["label"]
        if label is None:
            continue
        key = "names" if row["p"].value.endswith(("#label", "#prefLabel")) else "others"
        entry[key].add(_norm(label.value))
        if key == "names":
            if getattr(label, "language", None) == "en" and entry["en"] is None:
                entry["en"] = label.value
            entry["any"] = entry["any"] or label.value
    return [_Candidate(iri, e["en"] or e["any"] or _compact(iri), frozenset(e["names"]), frozenset(e["others"]),
                       tuple(sorted(e["types"])))
            for iri, e in sorted(found.items())]


def _describe(store, iris) -> list[_Candidate]:
    """Names and types of the given resources."""
    if not iris:
        return []
    values = " ".join(f"<{i}>" for i in sorted(iris))
    return _collect(store.query(f"""
        SELECT ?e ?type ?label ?p WHERE {{ VALUES ?e {{ {values} }}
          OPTIONAL {{ ?e a ?type }} OPTIONAL {{ {_NAMES} }} }}"""))


def _candidates(store, type_: str) -> list[_Candidate]:
    """The resources of the parameter's type with their names (at most _MAX_CANDIDATES)."""
    rows = store.query(f"""
        SELECT ?e ?type ?label ?p WHERE {{
          {{ SELECT DISTINCT ?e WHERE {{ {_type_pattern(type_)} FILTER (isIRI(?e)) }} LIMIT {_MAX_CANDIDATES} }}
          OPTIONAL {{ ?e a ?type }}
          OPTIONAL {{ {_NAMES} }}
        }}""")
    return _collect(rows)


def _named(store, text: str) -> list[_Candidate]:
    """Every typed resource one of whose names is ``text``, case ignored (found by the store)."""
    literal = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    rows = store.query(f"""
        SELECT DISTINCT ?e WHERE {{ {_NAMES} FILTER (isIRI(?e) && LCASE(STR(?label)) = LCASE({literal})) ?e a ?t }}""")
    return _describe(store, {r["e"].value for r in rows})


def _is_a(store, iri: str, type_: str) -> bool:
    return bool(store.query(f"ASK {{ {_type_pattern(type_)} }}", substitutions={ox.Variable("e"): ox.NamedNode(iri)}))


def _listing(cands, limit: int = 8) -> str:
    shown = "; ".join(f"{c.label} ({_compact(c.iri)})" for c in cands[:limit])
    more = f"; ... and {len(cands) - limit} more" if len(cands) > limit else ""
    return shown + more


def _pick(cands: list[_Candidate], wanted: str) -> list[_Candidate]:
    """The candidates ``wanted`` (normalised) names; a name beats an alternative name ("NKVD" is
    one agency's name and another's abbreviation)."""
    slug = wanted.replace(" ", "-")
    matches = [c for c in cands if wanted in c.names or wanted in c.others
               or c.iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1].casefold() == slug]
    named = [c for c in matches if wanted in c.names]
    return named if len(matches) > 1 and len(named) == 1 else matches


def _resolve_resource(store, param: QueryParameter, value: str) -> ox.NamedNode:
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    iri = _expand(text)
    kind = param.type if param.type != "IRI" else "entity of the graph"
    if iri != text or text.startswith(("http://", "https://", "urn:")):  # an IRI or a prefixed name
        if _is_a(store, iri, param.type):
            return ox.NamedNode(iri)
        known = _describe(store, {iri})
        if known and known[0].types:
            raise ParameterError(f"parameter {param.name}: {_compact(iri)} is a {', '.join(known[0].types)}, not a {kind}. "
                                 f"{kind} values: {_listing(_candidates(store, param.type))}")
        raise ParameterError(f"parameter {param.name}: {text!r} is not in the graph. "
                             f"{kind} values: {_listing(_candidates(store, param.type))}")
    wanted = _norm(text)
    # Case-insensitive names first (the store finds them), then accents ignored and slugs among the type's members.
    named = _named(store, text)
    cands: list[_Candidate] = []
    matches = _pick([c for c in named if _is_a(store, c.iri, param.type)], wanted)
    if not matches:
        cands = _candidates(store, param.type)
        matches = _pick(cands, wanted)
    if len(matches) == 1:
        return ox.NamedNode(matches[0].iri)
    if len(matches) > 1:
        raise ParameterError(f"parameter {param.name}: {value!r} names {len(matches)} values of type {kind}: "
                             f"{_listing(matches)}. Give one by its prefixed name.")
    if named:
        what = "; ".join(f"{c.label} ({_compact(c.iri)}) is a {', '.join(c.types)}" for c in named[:5])
        raise ParameterError(f"parameter {param.name}: {value!r} is not a {kind}: {what}. "
                             f"{kind} values: {_listing(cands)}")
    labels: dict[str, _Candidate] = {}
    for c in cands:
        for n in sorted(c.names) + sorted(c.others):
            labels.setdefault(n, c)
    close = [labels[n] for n in get_close_matches(wanted, list(labels), n=5, cutoff=0.6)]
    hint = f" Did you mean: {_listing(list(dict.fromkeys(close)))}?" if close else f" {kind} values: {_listing(cands)}"
    raise ParameterError(f"parameter {param.name}: no {kind} is named {value!r}.{hint}")


def resolve_parameter(store, param: QueryParameter, value: str) -> ox.NamedNode | ox.Literal:
    """The RDF term ``value`` stands for, as ``param`` declares it; :class:`ParameterError` if none."""
    text = value.strip()
    if param.type == "xsd:integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            example = f", e.g. {param.name}={param.example}" if param.example else ""
            raise ParameterError(f"parameter {param.name} is an integer{example}; {value!r} is not one")
        return ox.Literal(str(int(text)), datatype=ox.NamedNode(_XSD + "integer"))
    if param.type == "xsd:decimal":
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ParameterError(f"parameter {param.name} is a number; {value!r} is not one")
        return ox.Literal(text, datatype=ox.NamedNode(_XSD + "decimal"))
    if param.type == "xsd:string":
        return ox.Literal(value)
    if param.type == "gk:ClaimProperty":
        from .claims import resolve_property
        from .errors import GulagKgError

        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        try:
            return ox.NamedNode(resolve_property(store, text))
        except GulagKgError as exc:
            raise ParameterError(f"parameter {param.name}: {exc}") from None
    return _resolve_resource(store, param, text)


def bind_parameters(store, params: tuple[QueryParameter, ...], given: dict) -> dict[str, ox.NamedNode | ox.Literal]:
    """Terms for the declared parameters: the given values resolved, the others' defaults.

    ``given`` maps names to strings (resolved) or to RDF terms (taken as they are)."""
    declared = {p.name: p for p in params}
    out: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, value in given.items():
        name = name.lstrip("?$")
        if isinstance(value, (ox.NamedNode, ox.Literal)) or name not in declared:
            continue
        out[name] = resolve_parameter(store, declared[name], value)
    for p in params:
        if p.name not in out and p.name not in {n.lstrip("?$") for n in given} and p.default is not None:
            out[p.name] = resolve_parameter(store, p, p.default)
    return out
