"""One input path: every way a file enters gets the same verdict on the same hostile file.

A hostile corpus is generated here (small: the bombs are scaled down with the limits they
attack) and each file goes through every entry point: ``load`` into an on-disk store and into
a SPARQL server, ``--data``, ``validate FILE``, ``import`` (with ``--data``), and the library
(``gulag_kg.load``, :func:`gulag_kg.bulk.load_files` on a store in memory and on one opened with
``gulag_kg.connect``). Each must refuse it with the same one-line message naming the file and
the reason, exit 2 from the command line, and leave its store as it was. Before the one input
path, ``load`` crashed on the deep JSON-LD (exit 139), stored 0 or 1 of 2 quads of the JSON-LD
that the other commands refuse, ran for minutes on the entity bomb, and accepted the gzip bomb.
"""

from __future__ import annotations

import faulthandler
import os
import zlib
from pathlib import Path

import pytest

import gulag_kg
import gulag_kg.parsing as parsing
from gulag_kg.bulk import ensure_ontology, load_files
from gulag_kg.cli import cli
from gulag_kg.errors import InputError
from gulag_kg.store import EndpointStore, Store, close_on_disk

from .conftest import DATA

EX = "http://example.org/"
TRIPLE = f'<{EX}a> <{EX}p> "gulag-kg test data" .\n'
BIG = "x" * parsing.MAX_TERM_BYTES
BIG_JSON = "x" * parsing.MAX_JSON_TERM_BYTES


def _deep_jsonld(levels: int) -> str:
    return f'{{"@id": "{EX}x", ' + f'"{EX}p": {{' * levels + f'"@id": "{EX}y"' + "}" * levels + "}"


def _rdfxml(body: str, doctype: str = "") -> str:
    return (f'<?xml version="1.0"?>{doctype}\n<r:RDF xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns:e="{EX}">{body}</r:RDF>\n')


_ENTITIES = "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abc", "bcd"))

#: name -> (content, or None for a FIFO; what the refusal says)
CORPUS: dict[str, tuple[str | bytes | None, str]] = {
    "deep.jsonld": (_deep_jsonld(5000), "JSON nested too deeply"),
    "iri-with-space.jsonld": (f'{{"@id": "{EX}a camp", "{EX}label": "gulag-kg test data"}}', "is not a valid IRI"),
    "relative-id.jsonld": (f'{{"@id": "camp-1", "{EX}label": "gulag-kg test data"}}', "relative IRI 'camp-1'"),
    "undefined-key.jsonld": ('{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"}, '
                             f'"@id": "{EX}x", "label": "gulag-kg test data", "lable": "a typo"}}',
                             "key 'lable' is not defined by the @context"),
    "entities.rdf": (_rdfxml('<r:Description r:about="http://example.org/x"><e:p>&d;</e:p></r:Description>',
                             f'<!DOCTYPE r [<!ENTITY a "lol">{_ENTITIES}]>'), "DTD entity declarations is refused"),
    "deep.rdf": (_rdfxml("<r:Description><e:p>" * 1000 + "x" + "</e:p></r:Description>" * 1000),
                 "XML nested more than 256 levels deep"),
    "relative.ttl": (f'<a> <{EX}p> "gulag-kg test data" .\n', "relative IRIs are never resolved"),
    "iri-with-space.nt": (f'<{EX}a camp> <{EX}p> "gulag-kg test data" .\n', "Invalid IRI code point ' '"),
    "bomb.nt.gz": (b"", "refused as a decompression bomb"),  # written by the fixture
    "big-literal.nt": (TRIPLE + f'<{EX}b> <{EX}p> "{BIG}" .\n', "reaches the limit of 16 MiB"),
    "big-literal.ttl": (f'<{EX}b> <{EX}p> """{BIG}""" .\n', "reaches the limit of 16 MiB"),
    "big-literal.rdf": (_rdfxml(f'<r:Description r:about="{EX}b"><e:p>{BIG}</e:p></r:Description>'),
                        "reaches the limit of 16 MiB"),
    "big-literal.jsonld": (f'{{"@id": "{EX}b", "{EX}p": "{BIG_JSON}"}}', "reaches the limit of 8 MiB"),
    "pipe.ttl": (None, "not a regular file"),
}

#: The gzip allowance while these tests run (the real one, 64 MiB, would make the bomb slow).
GZIP_FREE_BYTES = 1 << 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("corpus")
    for name, (content, _) in CORPUS.items():
        path = directory / name
        if content is None:
            os.mkfifo(path)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    line = TRIPLE.replace(" .", " . # padding").encode() * 1000
    bomb = b"".join(packer.compress(line) for _ in range(200)) + packer.flush()
    (directory / "bomb.nt.gz").write_bytes(bomb)
    assert max(GZIP_FREE_BYTES, parsing.MAX_GZIP_RATIO * len(bomb)) < 200 * len(line)
    (directory / "good.ttl").write_text(TRIPLE)
    return directory


@pytest.fixture(scope="module")
def disk_store(corpus, tmp_path_factory) -> Path:
    """An on-disk store holding the ontology and one small file."""
    from click.testing import CliRunner

    path = tmp_path_factory.mktemp("store") / "kg"
    result = CliRunner().invoke(cli, ["--store", str(path), "load", str(corpus / "good.ttl")])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def endpoint(corpus):
    """An Oxigraph server on 127.0.0.1 holding the ontology and one small file."""
    from click.testing import CliRunner

    from .servers import oxigraph_server

    with oxigraph_server() as server:
        result = CliRunner().invoke(cli, ["--endpoint", server.query_url, "load", str(corpus / "good.ttl")])
        assert result.exit_code == 0, result.output
        yield server


def _cli_message(runner, args: list[str]) -> str:
    """The command's one line of error (the progress bar's label aside), after exit 2."""
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, (args, result.output)
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip() and line.strip() != "loading"]
    assert len(lines) == 1, (args, result.output)
    assert lines[0].startswith("Error: ")
    return lines[0].removeprefix("Error: ")


def _library_message(call) -> str:
    with pytest.raises(InputError) as caught:
        call()
    return str(caught.value)


KEPT_NOTHING = " (nothing of this load was kept)"


def _disk_state(path) -> set:
    """The quads of the on-disk store, which is closed again (a load puts it back by its files)."""
    store = Store(path)
    try:
        return set(store)
    finally:
        close_on_disk(store)


def _endpoint_state(server) -> tuple[int, list]:
    store = EndpointStore(server.query_url)
    return len(store), store.named_graphs()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_entry_point_refuses_the_file_the_same_way(name, corpus, disk_store, endpoint, runner, monkeypatch,
                                                         tmp_path):
    monkeypatch.setattr(parsing, "GZIP_FREE_BYTES", GZIP_FREE_BYTES)
    path = corpus / name
    file = str(path)
    out = tmp_path / "out.trig"
    disk_before = _disk_state(disk_store)
    endpoint_before = _endpoint_state(endpoint)
    in_memory = Store()
    ensure_ontology(in_memory)
    memory_before = set(in_memory)
    faulthandler.dump_traceback_later(60, exit=True)  # a hang fails the run instead of stalling it
    try:
        messages = {
            "load --store": _cli_message(runner, ["--store", str(disk_store), "load", file]),
            "load --endpoint": _cli_message(runner, ["--endpoint", endpoint.query_url, "load", file]),
            "--data": _cli_message(runner, ["--data", file, "query", "ASK { ?s ?p ?o }"]),
            "validate FILE": _cli_message(runner, ["validate", file]),
            "import --data": _cli_message(runner, ["--data", file, "import", "gulagmap",
                                                   str(DATA / "gulagmap" / "excerpt"), "-o", str(out)]),
            "gulag_kg.load": _library_message(lambda: gulag_kg.load([path], shipped=False)),
            "load_files (memory)": _library_message(lambda: load_files(in_memory, [path])),
            "load_files (connect)": _library_message(
                lambda: load_files(gulag_kg.connect(store=disk_store).store, [path])),
        }
    finally:
        faulthandler.cancel_dump_traceback_later()
    # on disk a load is all or nothing (tests/test_crash_safety.py); one refused after it began says so
    messages["load --store"] = messages["load --store"].removesuffix(KEPT_NOTHING)
    assert len(set(messages.values())) == 1, messages
    message = messages["validate FILE"]
    assert message.startswith(f"{file}: ") or message.startswith(f"{file}, line "), message
    assert CORPUS[name][1] in message, message
    assert _disk_state(disk_store) == disk_before
    assert _endpoint_state(endpoint) == endpoint_before
    assert set(in_memory) == memory_before
    assert not out.exists()


GOOD = {
    "good.jsonld": (f'{{"@context": {{"label": "{EX}label"}}, "@id": "{EX}a", "label": "gulag-kg test data", '
                    f'"{EX}p": {{"@id": "{EX}b"}}}}', 2),
    "nested.jsonld": (_deep_jsonld(100), 100),
    "good.rdf": (_rdfxml(f'<r:Description r:about="{EX}a"><e:p>gulag-kg test data</e:p><e:q r:resource="{EX}b"/>'
                         '</r:Description>'), 2),
    "nested.rdf": (_rdfxml("<r:Description><e:p>" * 100 + "x" + "</e:p></r:Description>" * 100), 100),
    "good.nt.gz": (zlib.compress((TRIPLE + f"<{EX}b> <{EX}p> <{EX}a> .\n").encode(), wbits=16 + zlib.MAX_WBITS), 2),
    # just under the term limits: Oxigraph's buffer holds the token and the few bytes around it
    "long-literal.nt": (f'<{EX}b> <{EX}p> "{BIG[:-64]}" .\n', 1),
    "long-literal.jsonld": (f'{{"@id": "{EX}b", "{EX}p": "{BIG_JSON[:-16]}"}}', 1),
    "long-literal.rdf": (_rdfxml(f'<r:Description r:about="{EX}b"><e:p>{BIG[:-1]}</e:p></r:Description>'), 1),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_the_same_entry_points_read_a_good_file_of_each_kind_whole(name, tmp_path):
    """The control: the guards refuse the corpus for what it does, not for its format; JSON-LD
    and RDF/XML nested 100 levels, literals just under the limits and a gzip file go in, every
    quad of them."""
    from gulag_kg.store import USER_GRAPH

    content, quads = GOOD[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    via_data = gulag_kg.load([path], shipped=False).store
    assert len(list(via_data.quads(graph=USER_GRAPH))) == quads
    assert load_files(Store(), [path]).quads == quads
    assert load_files(Store(tmp_path / "kg"), [path]).quads == quads


def test_a_file_refused_midway_is_rolled_back_but_an_earlier_graph_of_its_name_is_kept(corpus, tmp_path, monkeypatch):
    """``load`` streams, so a refusal can come after part of a file is in (Oxigraph commits a
    big file in batches): on a store without a checkpoint (in memory, a SPARQL server) its own
    graph is dropped; a graph that was there before is not. (On disk the whole load is undone:
    tests/test_crash_safety.py.)"""
    import pyoxigraph as ox

    from gulag_kg.bulk import file_graph

    store = Store()
    first = tmp_path / "v1" / "camps.nt"
    first.parent.mkdir()
    first.write_text(TRIPLE)
    load_files(store, [first])
    kept = set(store.quads(graph=file_graph(first)))
    assert len(kept) == 1

    streamed_part = ox.Quad(ox.NamedNode(EX + "c"), ox.NamedNode(EX + "p"), ox.Literal("gulag-kg test data"))
    real_bulk_load = Store.bulk_load

    def bulk_load_failing_midway(self, path, *, graph=None, progress=None):
        self.add_quads([ox.Quad(streamed_part.subject, streamed_part.predicate, streamed_part.object, graph)])
        return real_bulk_load(self, path, graph=graph, progress=progress)

    monkeypatch.setattr(Store, "bulk_load", bulk_load_failing_midway)
    refused = tmp_path / "v2" / "victims.nt"
    refused.parent.mkdir()
    refused.write_text((corpus / "big-literal.nt").read_text())
    with pytest.raises(InputError, match="reads no term that long; the store holds the 1 file") as caught:
        load_files(store, [first, refused])
    assert "may be in the store" not in str(caught.value)
    assert not store.contains_graph(file_graph(refused))  # its own graph: dropped

    again = tmp_path / "v3" / "camps.nt"
    again.parent.mkdir()
    again.write_text((corpus / "big-literal.nt").read_text())
    with pytest.raises(InputError, match="what was read of it before the error may be in the store"):
        load_files(store, [again])
    assert kept <= set(store.quads(graph=file_graph(first)))  # the graph of the earlier camps.nt: kept
