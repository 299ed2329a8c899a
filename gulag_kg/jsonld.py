"""The JSON-LD export: the whole graph, exact, and readable by people who know only JSON.

Written from the canonical N-Triples lines of :mod:`gulag_kg.export` (sorted, blank nodes
relabelled), with the project's context (``ontology/context.jsonld``, published at
:data:`~gulag_kg.parsing.CONTEXT_IRI`) embedded, so no processor has to fetch anything. The
context is JSON-LD 1.0 (no ``@version``): 1.0 and 1.1 processors read it alike. What makes the
file readable:

* **short terms** for our vocabulary (``label``, ``type``, ``subject``, ``value``, ``lower``,
  ``upper``, ``unit``, ``period``, ``claimant``, ``evidence``, ``selector``, ``quote``, ...) and
  for our classes (``"type": "Claim"``); other IRIs are compact IRIs (``agency:nkvd``);
* **coercion in the context**: the term says what its values are (an IRI, an EDTF date, English
  text), so most values are plain JSON strings; integers are JSON numbers, booleans ``true`` and
  ``false``; a value that does not fit its term is written in full (``{"@value": ...}``) under the
  same term, or, for a language map, under the property's compact IRI (``rdfs:label``);
* **language maps** for labels: ``"label": {"en": "NKVD", "ru": "НКВД"}``;
* **embedding**: a blank node that one statement points to (a claim's evidence, the evidence's
  selector with the quote) is written inside the node that points to it, so a claim is one JSON
  object: ``claim["evidence"][0]["selector"]["quote"]``. Blank nodes pointed to from several
  places, or from nowhere, cycles, and nodes nested deeper than :data:`MAX_DEPTH` (a long RDF
  list) are written at the top level; every blank node keeps its
  ``@id`` (the label of the N-Triples export), which is how the read-back check compares the
  file with the graph, statement by statement;
* one value is a scalar, several an array (in the order of the canonical lines); ``evidence``
  is always an array. Keys: ``@id``, ``type``, then the others sorted.

The file is byte-stable (a function of the graph only) and holds every statement: it reads
back, with any JSON-LD processor, as exactly the graph exported. An IRI that no JSON-LD document
with this context can hold (one whose scheme is a term or prefix of the context, such as
``label:x``, which every processor reads as a compact IRI) is refused with a one-line error.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter, deque
from collections.abc import Iterator
from typing import BinaryIO

from . import paths
from .errors import GulagKgError

XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
#: Blank nodes are embedded at most this deep (a long RDF list stays flat past it).
MAX_DEPTH = 8
#: Integers written as JSON numbers: at most 15 digits, exact in every JSON parser (JavaScript's too).
_NATIVE_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,14})")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def context() -> dict:
    """The project's JSON-LD context (the value of ``@context`` in ``ontology/context.jsonld``)."""
    return json.loads(paths.context_path().read_text(encoding="utf-8"))["@context"]


def _unescape(text: str) -> str:
    """The string an N-Triples string literal's text (between the quotes) stands for."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _ESCAPED[m[3]] if m[3] is not None else chr(int(m[1] or m[2], 16)), text)


class _Term:
    """A term of the context for a property: its name and what its plain values are
    (``coerce``: ``@id``, a datatype IRI, ``@language`` with ``language``, or None for
    JSON's own kinds), whether it is a language map, whether its values are always an array."""

    def __init__(self, name: str, coerce: str | None, language: str | None, language_map: bool, always_array: bool):
        self.name, self.coerce, self.language = name, coerce, language
        self.language_map, self.always_array = language_map, always_array


class Context:
    """The context compiled for writing: prefixes for compact IRIs, the term of each property
    and of each class, and every name a compact IRI could be mistaken for."""

    def __init__(self, definitions: dict) -> None:
        self.definitions = definitions
        self.names = {k for k in definitions if not k.startswith("@")}
        prefixes = {k: v for k, v in definitions.items()
                    if isinstance(v, str) and not v.startswith("@") and v[-1:] in ("/", "#")}
        self.prefix_of: dict[str, str] = {}
        for prefix, ns in prefixes.items():
            self.prefix_of.setdefault(ns, prefix)
        self.by_length = sorted(self.prefix_of.items(), key=lambda kv: -len(kv[0]))
        # Alternatives are tried in order: the longest namespace first.
        self.longest = re.compile("|".join(re.escape(ns) for ns, _ in self.by_length) or r"(?!)")
        self.properties: dict[str, _Term] = {}
        self.classes: dict[str, str] = {}
        for name, value in definitions.items():
            if name in prefixes or name.startswith("@") or value in ("@type", "@id"):
                continue
            if isinstance(value, str):
                iri = self.expand(value)
                self.classes.setdefault(iri, name)
                self.properties.setdefault(iri, _Term(name, None, None, False, False))
                continue
            iri = self.expand(value["@id"])
            coerce = value.get("@type")
            if coerce is not None and coerce != "@id":
                coerce = self.expand(coerce)
            language = value.get("@language")
            container = value.get("@container")
            self.properties.setdefault(iri, _Term(name, "@language" if language else coerce, language,
                                                  container == "@language", container == "@set"))
        self.type_key = next((k for k, v in definitions.items() if v == "@type"), "@type")
        self.cache: dict[str, str] = {}

    def expand(self, value: str) -> str:
        prefix, _, local = value.partition(":")
        ns = self.definitions.get(prefix)
        return ns + local if isinstance(ns, str) and ns in self.prefix_of and not local.startswith("//") else value

    def compact(self, iri: str) -> str:
        """``prefix:local`` with the longest namespace that leaves a local name with no colon,
        not starting with ``//``; else the full IRI, if no processor can misread it."""
        m = self.longest.match(iri)
        if m is not None:
            local = iri[m.end():]
            if local and ":" not in local and not local.startswith("//"):
                return f"{self.prefix_of[m.group()]}:{local}"
            for ns, prefix in self.by_length:
                if iri.startswith(ns):  # a shorter namespace may still do
                    local = iri[len(ns):]
                    if local and ":" not in local and not local.startswith("//"):
                        return f"{prefix}:{local}"
        scheme, _, rest = iri.partition(":")
        if scheme in self.names and not rest.startswith("//"):
            raise GulagKgError(f"the IRI <{iri}> cannot be written in JSON-LD with the gulag-kg context: every JSON-LD "
                               f"processor reads {scheme}: as the context's term {scheme!r}; export as Turtle or N-Triples")
        return iri

    def cached(self, iri: str) -> str:
        """:meth:`compact`, remembered (for predicates, classes and datatypes: few, used often)."""
        compact = self.cache.get(iri)
        if compact is None:
            compact = self.cache[iri] = self.compact(iri)
        return compact


class _Writer:
    """Turns the canonical lines into node objects (see the module docstring)."""

    def __init__(self, lines: list[bytes], ctx: Context) -> None:
        self.lines = lines
        self.ctx = ctx
        # Blank node subjects sort after IRIs ("_" > "<"): their lines are the end of the list.
        self.blank_start = bisect.bisect_left(lines, b"_:")
        self.blank_rows: dict[str, tuple[int, int]] = {}
        i = self.blank_start
        while i < len(lines):
            head = lines[i][:lines[i].index(b" ") + 1]
            j = i + 1
            while j < len(lines) and lines[j].startswith(head):
                j += 1
            self.blank_rows[head[:-1].decode()] = (i, j)
            i = j
        self.references: Counter[str] = Counter()
        for line in lines:
            if b"_:" in line:
                o = line[:-2].split(b" ", 2)[2]
                if o[:2] == b"_:":
                    self.references[o.decode()] += 1
        self.written: set[str] = set()
        self.cut: deque[str] = deque()

    def nodes(self) -> Iterator[dict]:
        """Every top-level node object, in order: IRI subjects (lines' order), then blank nodes
        pointed to from several places or none (label order), then those left: cycles (label
        order). Each is followed by the blank nodes embedding cut off below it (too deep)."""
        rows: list[tuple[str, str]] = []
        subject = ""
        for line in self.lines[:self.blank_start]:
            s, p, o = line[:-2].decode().split(" ", 2)
            if s != subject:
                if rows:
                    yield from self.root(subject, rows)
                subject, rows = s, []
            rows.append((p, o))
        if rows:
            yield from self.root(subject, rows)
        for once in (False, True):
            for label in self.blank_rows:
                if label not in self.written and (self.references[label] == 1) == once:
                    self.written.add(label)
                    yield from self.root(label, self.rows(label))

    def root(self, subject: str, rows: list[tuple[str, str]]) -> Iterator[dict]:
        """A top-level node, then the blank nodes cut off below it, each a top-level node too."""
        yield self.node(subject, rows, (subject,))
        while self.cut:
            label = self.cut.popleft()
            self.written.add(label)
            yield self.node(label, self.rows(label), (label,))

    def rows(self, label: str) -> list[tuple[str, str]]:
        i, j = self.blank_rows[label]
        return [tuple(line[:-2].decode().split(" ", 2)[1:]) for line in self.lines[i:j]]  # type: ignore[misc]

    def node(self, subject: str, rows: list[tuple[str, str]], stack: tuple[str, ...]) -> dict:
        ctx = self.ctx
        types: list[str] = []
        values: dict[str, tuple[_Term | None, list]] = {}
        maps: dict[str, dict[str, list[str]]] = {}
        for p, o in rows:
            if p == _RDF_TYPE and o[0] == "<":
                iri = o[1:-1]
                types.append(ctx.classes.get(iri) or ctx.cached(iri))
                continue
            iri = p[1:-1]
            term = ctx.properties.get(iri)
            if term is not None and term.language_map:
                language = _language(o)
                if language is not None:
                    maps.setdefault(term.name, {}).setdefault(language, []).append(_unescape(o[1:o.rindex('"')]))
                    continue
                term = None  # not language-tagged: under the property's compact IRI
            key = term.name if term is not None else ctx.cached(iri)
            values.setdefault(key, (term, []))[1].append(self.value(o, term, stack))
        entry: dict = {"@id": subject if subject[:2] == "_:" else ctx.compact(subject[1:-1])}
        if types:
            entry[ctx.type_key] = types[0] if len(types) == 1 else types
        for key in sorted([*values, *maps]):
            if key in maps:
                entry[key] = {lang: texts[0] if len(texts) == 1 else texts for lang, texts in sorted(maps[key].items())}
            else:
                term, vals = values[key]
                entry[key] = vals if len(vals) > 1 or (term is not None and term.always_array) else vals[0]
        return entry

    def value(self, o: str, term: _Term | None, stack: tuple[str, ...]):
        """The JSON of one object under ``term`` (None: a compact IRI key, no coercion)."""
        ctx = self.ctx
        coerce = term.coerce if term is not None else None
        if o[0] == "<" or o[:2] == "_:":
            if o[:2] == "_:" and self.embeddable(o, stack):
                self.written.add(o)
                return self.node(o, self.rows(o), (*stack, o))
            ref = o if o[:2] == "_:" else ctx.compact(o[1:-1])
            return ref if coerce == "@id" else {"@id": ref}
        end = o.rindex('"')  # the language or datatype that follows has none
        text = _unescape(o[1:end])
        if o[end + 1:end + 2] == "@":
            language = o[end + 2:]
            return text if coerce == "@language" and language == term.language else {"@value": text, "@language": language}
        datatype = o[end + 4:-1] if o[end + 1:end + 2] == "^" else XSD + "string"
        if datatype == coerce:
            return text
        if coerce in (None, "@id", "@language"):  # JSON's own kinds keep their meaning under these terms
            if datatype == XSD + "string" and coerce is None:
                return text
            if datatype == XSD + "integer" and _NATIVE_INTEGER.fullmatch(text) and text != "-0":
                return int(text)
            if datatype == XSD + "boolean" and text in ("true", "false"):
                return text == "true"
        if datatype == XSD + "string":
            return {"@value": text}
        return {"@value": text, "@type": ctx.cached(datatype)}

    def embeddable(self, label: str, stack: tuple[str, ...]) -> bool:
        """Whether the blank node ``label`` goes inside the node ``stack`` ends with (the nodes
        it is inside of, from the top level). One too deep is cut off: written next at the top."""
        if self.references[label] != 1 or label not in self.blank_rows or label in self.written or label in stack:
            return False
        if len(stack) > MAX_DEPTH:
            self.cut.append(label)
            return False
        return True


def _language(o: str) -> str | None:
    if o[0] != '"':
        return None
    end = o.rindex('"')
    return o[end + 2:] if o[end + 1:end + 2] == "@" else None


def write(lines: list[bytes], out: BinaryIO) -> None:
    """Write the canonical N-Triples lines (sorted, deduplicated) as ``{"@context": ...,
    "@graph": [...]}``, one top-level node object a line."""
    definitions = context()
    out.write(b'{"@context": ' + json.dumps(definitions, indent=1, ensure_ascii=False).encode() + b',\n"@graph": [')
    separator, batch = "\n", []
    for entry in _Writer(lines, Context(definitions)).nodes():
        batch.append(json.dumps(entry, ensure_ascii=False))
        if len(batch) >= 4096:
            out.write((separator + ",\n".join(batch)).encode())
            separator, batch = ",\n", []
    if batch:
        out.write((separator + ",\n".join(batch)).encode())
    out.write(b"\n]}\n")
