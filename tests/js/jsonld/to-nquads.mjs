// Reads a JSON-LD document with jsonld.js and prints its statements as N-Quads (tests/test_jsonld.py).
// usage: node to-nquads.mjs DOCUMENT CONTEXT_FILE json-ld-1.0|json-ld-1.1
// No network: the document loader serves our context's IRI from CONTEXT_FILE and refuses
// anything else. Safe mode: whatever a processor would drop without a word is an error.
import { readFileSync } from "node:fs";
import jsonld from "jsonld";

const CONTEXT_IRI = "https://w3id.org/gulag-kg/context.jsonld";
const [document, contextFile, processingMode] = process.argv.slice(2);

const documentLoader = async (url) => {
  if (url !== CONTEXT_IRI) {
    throw new Error(`refused to load ${url}: the tests never use the network`);
  }
  return { contextUrl: null, documentUrl: url, document: JSON.parse(readFileSync(contextFile, "utf8")) };
};

try {
  const nquads = await jsonld.toRDF(JSON.parse(readFileSync(document, "utf8")), {
    format: "application/n-quads", documentLoader, processingMode, safe: true,
  });
  process.stdout.write(nquads);
} catch (error) {
  process.stderr.write(`${error.name}: ${error.message}${error.details ? " " + JSON.stringify(error.details).slice(0, 500) : ""}\n`);
  process.exit(1);
}
