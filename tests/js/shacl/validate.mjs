// rdf-validate-shacl over many data graphs in one process (tests/test_shacl_engines.py).
// stdin: {"shapes": "<Turtle>", "cases": {"name": "<N-Triples>", ...}}
// stdout: {"name": {"conforms": bool, "results": [[focus, path, component, severity], ...]}, ...}
// focus "_" for a blank node, path "" when none and "(path)" for a complex path, as the Python side.
import { Parser } from 'n3'
import SHACLValidator from 'rdf-validate-shacl'
import factory from 'rdf-validate-shacl/src/defaultEnv.js'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'))

const parse = (text, format) => factory.dataset(new Parser({ format, factory }).parse(text))
const shapes = parse(input.shapes, 'text/turtle')
const term = (t, blank) => (t ? (t.termType === 'NamedNode' ? t.value : blank) : '')

const out = {}
for (const [name, ntriples] of Object.entries(input.cases)) {
  const validator = new SHACLValidator(shapes, { factory })
  const report = await validator.validate(parse(ntriples, 'application/n-triples'))
  out[name] = {
    conforms: report.conforms,
    results: report.results.map(r => [term(r.focusNode, '_'), term(r.path, '(path)'),
      term(r.sourceConstraintComponent, ''), term(r.severity, '')])
  }
}
process.stdout.write(JSON.stringify(out))
