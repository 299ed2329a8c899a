"""The site: every document of the pages for people, by path, for ``serve`` and ``publish`` alike.

:class:`Site` turns a path (``id/agency/nkvd.html``, ``map.html``, ``id/agency/nkvd.ttl``...)
into a :class:`Document`. ``gulag-kg serve`` calls it per request (through
:mod:`gulag_kg.web.pages`); ``gulag-kg publish`` calls it for every path of :meth:`Site.paths`
and writes the results to files, so a published site has the same pages as the server.

The graph does not change while a site serves it (the server is read-only), so rendered
documents are kept in a bounded cache; for a SPARQL endpoint that others may write to, entries
expire after ``cache_seconds``.
"""

from __future__ import annotations

import collections
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

import pyoxigraph as ox

from .. import paths as project_paths
from ..entities import compact
from ..errors import GulagKgError
from ..export import export_store
from ..kg import KnowledgeGraph
from ..prefixes import BASE, GK_NS, GRAPH_NS, ID_NS, VOCAB_NS
from ..store import EndpointStore
from ..version import __version__
from . import charts as charts_module
from . import linked_data, mapping
from .negotiation import media_types
from .passages import SourceTexts, marked_segments
from .search import SearchIndex
from .templating import render
from .urls import DOCUMENT_EXTENSIONS, RDF_EXTENSIONS, ONTOLOGY_IRI, SHAPES_IRI, document_path, iri_of_path, iri_path, root_for, safe_path, split_extension
from .views import Labeller, Term, resource_exists, resource_view

HTML = "text/html; charset=utf-8"
JSON = "application/json"
GULAG = ID_NS + "agency/gulag"
#: Rows of a browse page (the next rows are on the next page).
PAGE_SIZE = 500
#: Claims of one property shown with their quotes unfolded (more: folded, one click away).
OPEN_QUOTES = 40
#: Rows a named query's page shows (a query with more says so and links to the endpoint).
QUERY_ROWS = 1000

#: The whole-graph dumps, by extension: every RDF format the site serves (one table: negotiation's).
_DUMP_FORMATS = {m.extension: m.name for m in media_types("graph")}


@dataclass(frozen=True)
class Document:
    """One answer of the site: the bytes, their Content-Type and the HTTP status."""

    body: bytes
    media_type: str
    status: int = 200
    cacheable: bool = True


@dataclass(frozen=True)
class BrowseList:
    key: str
    title: str
    description: str
    classes: tuple[str, ...] = ()


BROWSE = {b.key: b for b in (
    BrowseList("agencies", "Agencies and other organisations", "Secret police, chief administrations, governing bodies, museums and societies.",
               (GK_NS + "Organisation",)),
    BrowseList("camps", "Camps and other places of detention", "Camp administrations, camps, camp points, special settlements, prisons and sharashkas.",
               (GK_NS + "DetentionSite",)),
    BrowseList("people", "People", "Everyone the sources name, in their roles: prisoners, officials, historians, writers.", (GK_NS + "Person",)),
    BrowseList("places", "Places", "Regions, towns, rivers and other places.", (GK_NS + "Place",)),
    BrowseList("works", "Works and sources", "Books, memoirs, studies, reports, films, data sets and the stored source texts.",
               (GK_NS + "Work", GK_NS + "SourceDocument")),
    BrowseList("events", "Events and changes", "Establishments, renamings, amnesties, uprisings and other events.",
               (GK_NS + "Event", GK_NS + "ChangeEvent")),
    BrowseList("acts", "Legal acts", "Orders, decrees and laws.", (GK_NS + "LegalAct",)),
    BrowseList("claimants", "Claimants", "Everyone who claims something in the graph, with the number of their claims."),
    BrowseList("claims", "Claims", "Every claim: one statement by one claimant in one source, with its quote."),
    BrowseList("all", "Everything", "Every resource of the graph with a page, A to Z."),
)}


class Site:
    """The documents of the site over one knowledge graph.

    ``published``: the site is written as static files (no server behind it: search runs in the
    browser from ``search-index.json``, and there is no SPARQL endpoint unless ``sparql_url``
    names one).
    """

    def __init__(self, kg: KnowledgeGraph, *, published: bool = False, sparql_url: str | None = None,
                 cache_bytes: int = 64 * 1024 * 1024, cache_seconds: float | None = None) -> None:
        self.kg = kg
        self.store = kg.store
        self.published = published
        self.sparql_url = sparql_url if published else "sparql"
        self.texts = SourceTexts(self.store)
        self._lock = threading.RLock()  # a memo may need another memo (the map's frame, its points)
        self._memo: dict[str, object] = {}
        self._cache: collections.OrderedDict[str, tuple[float, Document]] = collections.OrderedDict()
        self._cache_bytes = 0
        self._cache_limit = cache_bytes
        self._cache_seconds = cache_seconds if cache_seconds is not None else (
            300.0 if isinstance(self.store, EndpointStore) else None)

    # --- shared, computed once ---------------------------------------------------------------
    def _once(self, key: str, make):
        value = self._memo.get(key)
        if value is None:
            with self._lock:
                value = self._memo.get(key)
                if value is None:
                    value = self._memo[key] = make()
        return value

    @property
    def search_index(self) -> SearchIndex:
        return self._once("search", lambda: SearchIndex.build(self.store))

    def points(self) -> list[mapping.Point]:
        return self._once("points", lambda: mapping.camp_points(self.store))

    def frame(self) -> mapping.Frame:
        return self._once("frame", lambda: mapping.fit_frame(self.points()))

    def chart(self, quantity: str) -> charts_module.Chart:
        return self._once("chart-" + quantity, lambda: charts_module.draw_chart(self.store, quantity))

    def source_label(self, iri: str) -> str:
        labels = self._once("source-labels", dict)
        if iri not in labels:
            labels[iri] = Labeller(self.store).term(iri).text
        return labels[iri]

    # --- answering a path --------------------------------------------------------------------
    def document(self, path: str, *, query: str = "") -> Document:
        """The document at ``path`` (no leading slash); ``query`` is the URL's query string
        (only the search page reads it). Unknown paths get a 404 page with suggestions."""
        path = path.lstrip("/")
        key = path + ("?" + query if query else "")
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and (self._cache_seconds is None or now - hit[0] < self._cache_seconds):
                self._cache.move_to_end(key)
                return hit[1]
        doc = self._make(path, query)
        if doc.status == 200 and doc.cacheable:
            with self._lock:
                old = self._cache.pop(key, None)
                if old is not None:
                    self._cache_bytes -= len(old[1].body)
                self._cache[key] = (now, doc)
                self._cache_bytes += len(doc.body)
                while self._cache_bytes > self._cache_limit and self._cache:
                    _, (_, dropped) = self._cache.popitem(last=False)
                    self._cache_bytes -= len(dropped.body)
        return doc

    def negotiable_iri(self, path: str) -> str | None:
        """The IRI an extensionless path names, if the graph describes it (the server answers it
        with 303 See Other to one of its documents)."""
        iri = iri_of_path(path.strip("/")) if path.strip("/") not in ("graph",) else None
        if iri is None:
            return None
        if iri in (ONTOLOGY_IRI, SHAPES_IRI, VOCAB_NS) or self._graph_exists(iri) or resource_exists(self.store, iri):
            return iri
        return None

    def _make(self, path: str, query: str) -> Document:
        params = urllib.parse.parse_qs(query)
        fixed = {
            "": self._home, "index.html": self._home, "search.html": lambda: self._search(params),
            "search-index.json": self._search_index, "map.html": self._map, "map/base.svg": self._map_base,
            "charts.html": self._charts, "timeline.html": self._timeline, "contested.html": self._contested,
            "browse/index.html": self._browse_index, "queries/index.html": self._queries,
            "vocab.html": self._vocabularies, "ontology.html": self._ontology, "shapes.html": self._shapes,
            "graph/index.html": self._graphs,
            "context.jsonld": self._context,
        }
        if path in fixed:
            return fixed[path]()
        m = re.fullmatch(r"browse/([a-z]+)(?:-(\d+))?\.html", path)
        if m and m.group(1) in BROWSE:
            return self._browse(BROWSE[m.group(1)], int(m.group(2) or 1), path)
        m = re.fullmatch(r"queries/([\w-]+)\.(html|rq)", path)
        if m:
            return self._named_query(m.group(1), m.group(2), path)
        m = re.fullmatch(r"dumps/gulag-kg\.(\w+)", path)
        if m and m.group(1) in _DUMP_FORMATS:
            return self._dump(m.group(1))
        stem, ext = split_extension(path)
        if ext is not None:
            iri = iri_of_path(stem)
            if stem == "vocab":
                iri = VOCAB_NS
            if iri == SHAPES_IRI and ext in RDF_EXTENSIONS:
                return self._shapes_rdf(ext)
            if iri is not None and ext in RDF_EXTENSIONS and (
                    iri in (ONTOLOGY_IRI, VOCAB_NS) or self._graph_exists(iri) or resource_exists(self.store, iri)):
                return self._rdf(iri, ext)
            if iri is not None and ext == "html":
                if iri.startswith(GRAPH_NS) and self._graph_exists(iri):
                    return self._graph_page(iri, path)
                if resource_exists(self.store, iri):
                    return self._resource(iri, path)
        return self.not_found(path)

    # --- helpers -----------------------------------------------------------------------------
    def _html(self, template: str, page_path: str, *, status: int = 200, cacheable: bool = True,
              root: str | None = None, **context) -> Document:
        body = render(template, root=root_for(page_path) if root is None else root, page_path=page_path, site=self._site_info(),
                      source_label=self.source_label, **context)
        return Document(body.encode("utf-8"), HTML, status, cacheable)

    def _site_info(self) -> dict:
        return {"sparql": self.sparql_url, "published": self.published, "version": __version__}

    def _rows(self, sparql: str) -> list:
        return list(self.store.query(sparql))

    def _graph_exists(self, iri: str) -> bool:
        return iri.startswith(GRAPH_NS) and any(g.value == iri for g in self._named_graphs())

    def _named_graphs(self) -> list[ox.NamedNode]:
        return self._once("graphs", self.store.named_graphs)

    def not_found(self, path: str | None) -> Document:
        """A 404 page that suggests resources with near labels; with ``path`` None, the page a
        static host shows for every missing path (links from the host's root)."""
        if path is None:
            return self._html("not_found.html", "404.html", status=404, cacheable=False, root="/", title="Not found",
                              missing="", iri=None, hits=[])
        stem, _ = split_extension(path.rstrip("/"))
        words = stem.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ")
        hits = self.search_index.near(words) if words.strip() else []
        return self._html("not_found.html", path, status=404, cacheable=False, title="Not found",
                          missing=path, iri=BASE + stem if iri_of_path(stem) else None, hits=hits)

    # --- pages -------------------------------------------------------------------------------
    def _home(self) -> Document:
        counts = self._once("counts", self._counts)
        return self._html("home.html", "index.html", title="gulag-kg: the Gulag, who says what, in which words",
                          counts=counts, browse=BROWSE,
                          description="An open knowledge graph of the Soviet Gulag: every figure as a claim with its claimant, source and exact quote.")

    def _counts(self) -> dict:
        classes = {"Organisation": 0, "DetentionSite": 0, "Person": 0, "Place": 0, "Work": 0, "Event": 0, "LegalAct": 0, "Claim": 0}
        for row in self.store.query("""
            SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE {
              VALUES ?class { gk:Organisation gk:DetentionSite gk:Person gk:Place gk:Work gk:Event gk:LegalAct gk:Claim }
              ?e a ?t . ?t rdfs:subClassOf* ?class } GROUP BY ?class"""):
            classes[row["class"].value.rsplit("#", 1)[-1]] = int(row["n"].value)
        quotes = int(next(iter(self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s oa:exact ?q }")))["n"].value)
        claimants = int(next(iter(self.store.query(
            "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?c a gk:Claim ; gk:claimant ?x }")))["n"].value)
        return {**classes, "quotes": quotes, "claimants": claimants, "statements": len(self.store),
                "graphs": len(self._named_graphs()), "located": len({p.site for p in self.points()})}

    def _search(self, params: dict) -> Document:
        q = (params.get("q") or [""])[0].strip()
        result = None
        if q and not self.published:
            result = self.search_index.search(q, limit=200)
        return self._html("search.html", "search.html", cacheable=not q, title=f"Search: {q}" if q else "Search",
                          query=q, result=result, kinds=self._type_labels())

    def _type_labels(self) -> dict[str, str]:
        """The label of every type the search index names things by (``agency``, ``legal act``)."""
        def make():
            labeller = Labeller(self.store)
            types = {e.type for e in self.search_index.entries if e.type}
            labeller.fetch(types)
            return {t: labeller.term(t).text for t in types}
        return self._once("type-labels", make)

    def _search_index(self) -> Document:
        data = json.dumps(self.search_index.as_json(self._type_labels()), ensure_ascii=False, separators=(",", ":"))
        return Document(data.encode("utf-8"), JSON)

    def _map(self) -> Document:
        points = self.points()
        frame = self.frame()
        sites = mapping.count_sites(self.store)
        view = self._map_view("map", points, frame, radius=3.0)
        located = len({p.site for p in points})
        return self._html("map.html", "map.html", title="Map of the camps", map=view, points=view.points,
                          sites=sites, located=located, kinds=mapping.KINDS,
                          kinds_used=sorted({p.kind for p in points}, key=list(mapping.KINDS).index))

    def _map_view(self, id_: str, points: list[mapping.Point], frame: mapping.Frame, *, radius: float, crop: bool = False):
        labeller = Labeller(self.store)
        labeller.fetch({p.site for p in points} | {p.place for p in points})
        shown = []
        for p in points:
            x, y = mapping.point_xy(frame, p)
            site = labeller.term(p.site)
            place = labeller.term(p.place)
            label = site.text + (f" — {place.text}" if p.place != p.site and place.text != site.text else "")
            shown.append(MapPoint(p.site, label, x, y, mapping.KINDS.get(p.kind, mapping.KINDS["DetentionSite"])[0],
                                  site, place, p.lat, p.long, p.kind))
        viewbox = f"0 0 {frame.width:g} {frame.height:g}"
        if crop and shown:
            xs, ys = [p.x for p in shown], [p.y for p in shown]
            half = max(max(xs) - min(xs), (max(ys) - min(ys)) * 1.6, 300) / 2 + 40
            cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
            w, h = 2 * half, 2 * half / 1.6
            x0 = min(max(cx - half, 0), max(frame.width - w, 0))
            y0 = min(max(cy - h / 2, 0), max(frame.height - h, 0))
            viewbox = f"{x0:.1f} {y0:.1f} {w:.1f} {h:.1f}"
        return MapView(id_, frame, tuple(shown), viewbox, radius)

    def _map_base(self) -> Document:
        return Document(mapping.base_layer_svg(self.frame()).encode("utf-8"), "image/svg+xml; charset=utf-8")

    def _charts(self) -> Document:
        charts = [self.chart(q) for q in charts_module.QUANTITIES]
        return self._html("charts.html", "charts.html", title="Charts: deaths and prisoner population", charts=charts,
                          gulag=GULAG)

    def _timeline(self) -> Document:
        from ..timeline import build_timeline

        timeline = build_timeline(self.store, GULAG) if resource_exists(self.store, GULAG) else []
        events = []
        labeller = Labeller(self.store)
        rows = self._rows("""
            SELECT ?e ?when ?start ?type WHERE {
              ?e a ?t . VALUES ?t { gk:Event gk:ChangeEvent gk:LegalAct }
              OPTIONAL { ?e gk:date|gk:period ?when } OPTIONAL { ?e gk:periodStart ?start }
              OPTIONAL { ?e gk:eventType|gk:actType|gk:changeType ?type } }""")
        labeller.fetch({r["e"].value for r in rows} | {r["type"].value for r in rows if r["type"] is not None})
        seen = set()
        for r in rows:
            if r["e"].value in seen:
                continue
            seen.add(r["e"].value)
            events.append(Event(labeller.term(r["e"]), r["when"].value if r["when"] is not None else "",
                                r["start"].value if r["start"] is not None else "",
                                labeller.term(r["type"]) if r["type"] is not None else None))
        events.sort(key=lambda e: (e.start == "", e.start, e.when, e.term.text))
        return self._html("timeline.html", "timeline.html", title="Timeline of the Gulag", timeline=timeline,
                          events=events, gulag=labeller.term(GULAG))

    def _contested(self) -> Document:
        labeller = Labeller(self.store)
        rows = self._rows("""
            SELECT ?s ?p (COUNT(DISTINCT ?c) AS ?n) (GROUP_CONCAT(DISTINCT STR(?who); SEPARATOR=" ") AS ?claimants) WHERE {
              ?c a gk:Claim ; gk:subject ?s ; gk:property ?p .
              OPTIONAL { ?c gk:claimant ?who }
            } GROUP BY ?s ?p HAVING (COUNT(DISTINCT ?who) > 1) ORDER BY DESC(?n) ?s ?p""")
        relations = self._rows("""
            SELECT ?c ?rel ?other ?s ?p WHERE {
              VALUES ?rel { gk:disputes gk:revises gk:summarises }
              ?c ?rel ?other ; gk:subject ?s ; gk:property ?p } ORDER BY ?s ?p ?c ?rel ?other""")
        claimants = {(r["s"].value, r["p"].value): r["claimants"].value.split() for r in rows}
        labeller.fetch({t.value for r in rows for t in (r["s"], r["p"])} | {w for ws in claimants.values() for w in ws}
                       | {t.value for r in relations for t in (r["c"], r["other"], r["s"], r["p"])})
        figures = [Contested(labeller.term(r["s"]), labeller.term(r["p"]), int(r["n"].value),
                             tuple(sorted((labeller.term(w) for w in claimants[(r["s"].value, r["p"].value)]),
                                          key=lambda t: t.text.casefold())))
                   for r in rows]
        pairs = [(labeller.term(r["c"]), r["rel"].value.rsplit("#", 1)[-1], labeller.term(r["other"]),
                  labeller.term(r["s"]), labeller.term(r["p"])) for r in relations]
        return self._html("contested.html", "contested.html", title="Contested figures", figures=figures, pairs=pairs)

    def _browse_index(self) -> Document:
        return self._html("browse_index.html", "browse/index.html", title="Browse", browse=BROWSE)

    def _browse(self, spec: BrowseList, page: int, path: str) -> Document:
        items = self._once("browse-" + spec.key, lambda: self._browse_items(spec))
        pages = max(1, -(-len(items) // PAGE_SIZE))
        if page > pages or page < 1 or (page == 1 and path != f"browse/{spec.key}.html"):
            return self.not_found(path)
        shown = items[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
        return self._html("browse.html", path, title=spec.title, spec=spec, items=shown, total=len(items),
                          page=page, pages=pages, first=(page - 1) * PAGE_SIZE + 1)

    def _browse_items(self, spec: BrowseList) -> list:
        labeller = Labeller(self.store)
        if spec.key == "claimants":
            rows = self._rows("SELECT ?x (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a gk:Claim ; gk:claimant ?x } GROUP BY ?x")
            labeller.fetch({r["x"].value for r in rows if isinstance(r["x"], ox.NamedNode)})
            items = [Item(labeller.term(r["x"]), None, f"{int(r['n'].value):,} claims") for r in rows if isinstance(r["x"], ox.NamedNode)]
        elif spec.key == "claims":
            rows = self._rows("SELECT ?c ?s ?p WHERE { ?c a gk:Claim . OPTIONAL { ?c gk:subject ?s } OPTIONAL { ?c gk:property ?p } }")
            labeller.fetch({t.value for r in rows for t in (r["c"], r["s"], r["p"]) if isinstance(t, ox.NamedNode)})
            items = [Item(labeller.term(r["c"]), labeller.term(r["p"]) if r["p"] is not None else None,
                          "about " + labeller.term(r["s"]).text if r["s"] is not None else "")
                     for r in rows]
        elif spec.key == "all":
            items = []
            index = self.search_index
            for iri in sorted(index.names):
                if document_path(iri) is None or not iri.startswith((ID_NS, VOCAB_NS)):
                    continue
                text, lang = index.label(iri)
                t = index.names[iri].type
                items.append(Item(Term("iri", iri, text, lang), Term("iri", t, compact(t)) if t else None, ""))
            types = {i.type.value for i in items if i.type is not None}
            labeller.fetch(types)
            items = [Item(i.term, labeller.term(i.type.value) if i.type is not None else None, i.note) for i in items]
        else:
            values = " ".join(f"<{c}>" for c in spec.classes)
            rows = self._rows(f"SELECT DISTINCT ?e ?t WHERE {{ VALUES ?class {{ {values} }} ?e a ?t . ?t rdfs:subClassOf* ?class }}")
            types: dict[str, set] = {}
            for r in rows:
                types.setdefault(r["e"].value, set()).add(r["t"].value)
            labeller.fetch(set(types) | {t for ts in types.values() for t in ts})
            from .search import _specific_type

            items = [Item(labeller.term(e), labeller.term(_specific_type(ts)), "") for e, ts in types.items()]
        unique = {(i.term.value): i for i in items}
        return sorted(unique.values(), key=lambda i: (_sort_key(i.term.text), i.term.value))

    def _queries(self) -> Document:
        from ..query import named_queries

        return self._html("queries.html", "queries/index.html", title="Named queries", queries=list(named_queries().values()))

    def _named_query(self, name: str, ext: str, path: str) -> Document:
        from ..query import named_queries

        query = named_queries().get(name)
        if query is None:
            return self.not_found(path)
        if ext == "rq":
            return Document(query.text.encode("utf-8"), "application/sparql-query; charset=utf-8")
        result = error = None
        try:
            result = self.kg.query(name, timeout=30.0, max_rows=QUERY_ROWS)
        except GulagKgError as exc:
            error = str(exc)
        labeller = Labeller(self.store)
        table = []
        if result is not None and result.kind == "select":
            labeller.fetch({t.value for row in result.rows for t in row if isinstance(t, ox.NamedNode)})
            table = [[labeller.term(t) if t is not None else None for t in row] for row in result.rows]
        competency = ""
        for line in query.text.splitlines():
            if line.startswith("# competency:"):
                competency = line.split(":", 1)[1].strip()
        run = None
        if self.sparql_url:
            run = self.sparql_url + "?" + urllib.parse.urlencode({"query": query.text})
        return self._html("query.html", path, title=query.title or name, query=query, result=result, table=table,
                          error=error, competency=competency, run=run, max_rows=QUERY_ROWS)

    def _ontology(self) -> Document:
        from .ontology_page import ontology_sections

        sections, ontology = ontology_sections(self.store)
        return self._html("ontology.html", "ontology.html", title="The gulag-kg ontology", sections=sections,
                          ontology=ontology, iri=ONTOLOGY_IRI)

    def _shapes(self) -> Document:
        from .shapes_page import shapes_files

        files = self._once("shapes", shapes_files)
        return self._html("shapes.html", "shapes.html", title="The gulag-kg shapes", files=files, iri=SHAPES_IRI,
                          count=sum(len(f.shapes) for f in files))

    def _shapes_rdf(self, ext: str) -> Document:
        from .shapes_page import shapes_quads

        return Document(linked_data.serialize(shapes_quads(), ext), linked_data.DOCUMENT_TYPES[ext].content_type)

    def _vocabularies(self) -> Document:
        labeller = Labeller(self.store)
        rows = self._rows("""SELECT ?scheme ?c WHERE { ?scheme a skos:ConceptScheme . OPTIONAL { ?c skos:inScheme ?scheme } }""")
        labeller.fetch({t.value for r in rows for t in (r["scheme"], r["c"]) if t is not None})
        schemes: dict[str, list] = {}
        for r in rows:
            concepts = schemes.setdefault(r["scheme"].value, [])
            if r["c"] is not None:
                concepts.append(labeller.term(r["c"]))
        listing = sorted(((labeller.term(s), sorted(cs, key=lambda t: t.text.casefold())) for s, cs in schemes.items()),
                         key=lambda sc: sc[0].text.casefold())
        return self._html("vocab.html", "vocab.html", title="Vocabularies", schemes=listing, iri=VOCAB_NS)

    def _graphs(self) -> Document:
        graphs = self._graph_infos()
        return self._html("graphs.html", "graph/index.html", title="Graphs and downloads", graphs=graphs,
                          dumps=list(_DUMP_FORMATS))

    def _graph_infos(self) -> list:
        def make():
            labeller = Labeller(self.store)
            out = []
            for g in self._named_graphs():
                n = int(next(iter(self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")))["n"].value)
                out.append(GraphInfo(labeller.term(g.value), n, GRAPH_DESCRIPTIONS.get(g.value[len(GRAPH_NS):], "")))
            return out
        return self._once("graph-infos", make)

    def _graph_page(self, iri: str, path: str) -> Document:
        info = next(i for i in self._graph_infos() if i.term.value == iri)
        return self._html("graph.html", path, title=f"Graph {iri_path(iri)}", info=info, iri=iri)

    def _context(self) -> Document:
        return Document(project_paths.context_path().read_bytes(), "application/ld+json")

    def _dump(self, ext: str) -> Document:
        body = export_store(self.store, _DUMP_FORMATS[ext])
        return Document(body, linked_data.DOCUMENT_TYPES[ext].content_type)

    def _rdf(self, iri: str, ext: str) -> Document:
        # The six formats of one description are usually asked for together (publish): the
        # statements are looked up once for them.
        with self._lock:
            last = self._memo.get("last-description")
        if last is not None and last[0] == iri:
            quads = last[1]
        else:
            quads = linked_data.describe(self.store, iri)
            with self._lock:
                self._memo["last-description"] = (iri, quads)
        return Document(linked_data.serialize(quads, ext), linked_data.DOCUMENT_TYPES[ext].content_type)

    def _resource(self, iri: str, path: str) -> Document:
        labeller = Labeller(self.store)
        view = resource_view(self.store, iri, texts=self.texts, labeller=labeller)
        charts = [self.chart(q) for q in charts_module.QUANTITIES] if iri == GULAG else []
        text = self._source_text(iri) if view.has_text else None
        locator = None
        if view.coordinates:
            pts = [mapping.Point(iri, c.place.value, c.lat, c.long, "DetentionSite") for c in view.coordinates]
            kinds = {p.site: p.kind for p in self.points()}
            pts = mapping.distinct_points([mapping.Point(p.site, p.place, p.lat, p.long, kinds.get(iri, "DetentionSite"))
                                           for p in pts])  # both releases locate a camp again
            locator = self._map_view("locator", pts, self.frame(), radius=4.0, crop=True)
        siblings = 0
        if view.claim is not None and view.claim.subject is not None:
            # IRIs written into the query (as Oxigraph serialises them), not bound as
            # substitutions: Oxigraph evaluates a pattern before it applies those.
            subject, prop = ox.NamedNode(view.claim.subject.value), ox.NamedNode(view.claim.property.value)
            siblings = sum(1 for _ in self.store.query(f"SELECT ?c WHERE {{ ?c gk:subject {subject} ; gk:property {prop} }}"))
        return self._html("resource.html", path, title=view.term.text, v=view, charts=charts, text=text,
                          locator=locator, siblings=siblings if siblings > 1 else 0, open_quotes=OPEN_QUOTES)

    def _source_text(self, iri: str):
        from ..quotes import locate_quotes

        source = self.texts.get(iri)
        if source is None:
            return None
        quotes = [q for q in locate_quotes(self.store, source=iri) if q.start is not None]
        by_paragraph: dict[int, list] = {}
        for q in quotes:
            number = source.paragraph_at(q.start)
            start = q.start - source.starts[number - 1]
            by_paragraph.setdefault(number, []).append((start, start + len(q.exact), q.owner))
        labeller = Labeller(self.store)
        labeller.fetch({q.owner for q in quotes})
        local = ""
        for row in self.store.query(f"SELECT ?l WHERE {{ {ox.NamedNode(iri)} gk:localCopy ?l }}"):
            local = row["l"].value
        paragraphs = []
        for number, text in enumerate(source.paragraphs, start=1):
            heading = re.fullmatch(r"\s*=+\s*(.*?)\s*=+\s*", text)
            spans = by_paragraph.get(number, [])
            owners = sorted({labeller.term(o) for _, _, o in spans}, key=lambda t: t.text.casefold())
            paragraphs.append(Paragraph(number, heading.group(1) if heading else "",
                                        marked_segments(text, spans) if text.strip() else [], owners))
        return SourceView(local, paragraphs, len(quotes))

    # --- every path of the static site -------------------------------------------------------
    def paths(self) -> list[str]:
        """Every document a published site holds (``static/`` aside), in a stable order."""
        out = ["index.html", "search.html", "search-index.json", "map.html", "map/base.svg", "charts.html",
               "timeline.html", "contested.html", "browse/index.html", "queries/index.html", "vocab.html",
               "ontology.html", "shapes.html", "graph/index.html", "context.jsonld"]
        out += [f"{doc}.{ext}" for doc in ("vocab", "ontology", "shapes") for ext in RDF_EXTENSIONS]
        out += [f"dumps/gulag-kg.{ext}" for ext in _DUMP_FORMATS]
        for key in BROWSE:
            items = self._once("browse-" + key, lambda key=key: self._browse_items(BROWSE[key]))
            pages = max(1, -(-len(items) // PAGE_SIZE))
            out += [f"browse/{key}.html"] + [f"browse/{key}-{n}.html" for n in range(2, pages + 1)]
        from ..query import named_queries

        for name in named_queries():
            out += [f"queries/{name}.html", f"queries/{name}.rq"]
        for g in self._named_graphs():
            stem = iri_path(g.value)
            if stem and safe_path(stem):
                out += [f"{stem}.{ext}" for ext in DOCUMENT_EXTENSIONS]
        for iri in self.resources():
            stem = iri_path(iri)
            out += [f"{stem}.{ext}" for ext in DOCUMENT_EXTENSIONS]
        return out

    def resources(self) -> list[str]:
        """Every IRI of the site the graph describes (``/id/...`` and ``/vocab/...``)."""
        rows = self.store.query(f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) &&
            (STRSTARTS(STR(?s), "{ID_NS}") || STRSTARTS(STR(?s), "{VOCAB_NS}"))) }}""")
        out = []
        for row in rows:
            stem = iri_path(row["s"].value)
            if stem and safe_path(stem) and row["s"].value != VOCAB_NS:
                out.append(row["s"].value)
        return sorted(out)


def _sort_key(text: str) -> str:
    from .search import normalise

    return normalise(text).lstrip("\"'«“(")


GRAPH_DESCRIPTIONS = {
    "ontology": "The ontology and the controlled vocabularies (ontology/).",
    "article": "What the English Wikipedia article “Gulag” states: entities, claims and their quotes (graph/).",
    "wikidata": "Links to Wikidata, each with the record of where it comes from.",
    "derived": "Generated, never hand-edited: the truthy view (preferred values as direct statements) and the period bounds of claims.",
    "gulagmap-2018": "The camps of the GULAG History Museum's map (import of gulagmap 2018), with per-row provenance.",
    "user": "Statements loaded by the operator of this copy.",
}


@dataclass(frozen=True)
class MapPoint:
    iri: str
    label: str
    x: float
    y: float
    colour: str
    site: Term
    place: Term
    lat: float
    long: float
    kind: str


@dataclass(frozen=True)
class MapView:
    id: str
    frame: mapping.Frame
    points: tuple[MapPoint, ...]
    viewbox: str
    radius: float


@dataclass(frozen=True)
class Item:
    term: Term
    type: Term | None
    note: str


@dataclass(frozen=True)
class Event:
    term: Term
    when: str
    start: str
    type: Term | None


@dataclass(frozen=True)
class Contested:
    subject: Term
    property: Term
    claims: int
    claimants: tuple[Term, ...]


@dataclass(frozen=True)
class GraphInfo:
    term: Term
    statements: int
    description: str


@dataclass(frozen=True)
class Paragraph:
    number: int
    heading: str
    segments: list
    owners: list = field(default_factory=list)


@dataclass(frozen=True)
class SourceView:
    file: str
    paragraphs: list
    quotes: int


__all__ = ["BROWSE", "Document", "Site"]
