// The OWL API's OWL 2 DL profile check of RDF documents, for tests/test_owl.py.
//
// Runs as a single source file (Java 11+, no build step) against the OWL API inside
// owlready2's HermiT.jar:
//     java -cp .../owlready2/hermit/HermiT.jar tests/OwlDlCheck.java a.nt b.nt ...
// For each document, in its own ontology manager, it prints
//     document<TAB>path
//     violation<TAB>the profile violation, on one line
//     unparsed<TAB>subject<TAB>predicate<TAB>object   (a triple the parser could not map to OWL;
//                                                      object is "literal" or the IRI / blank node)
//     triples<TAB>N
// Exit code 0 when every document could be loaded (whatever the check found), 1 otherwise.

import java.io.File;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.OWLOntologyLoaderMetaData;
import org.semanticweb.owlapi.io.RDFOntologyFormat;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.io.RDFTriple;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyFormat;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class OwlDlCheck {
    public static void main(String[] args) {
        int failed = 0;
        for (String path : args) {
            System.out.println("document\t" + path);
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntology ontology;
            try {
                ontology = manager.loadOntologyFromOntologyDocument(new File(path));
            } catch (Exception e) {
                System.err.println("cannot load " + path + ": " + e);
                failed++;
                continue;
            }
            int triples = -1;
            OWLOntologyFormat format = manager.getOntologyFormat(ontology);
            if (format instanceof RDFOntologyFormat) {
                OWLOntologyLoaderMetaData meta = ((RDFOntologyFormat) format).getOntologyLoaderMetaData();
                if (meta instanceof RDFParserMetaData) {
                    triples = ((RDFParserMetaData) meta).getTripleCount();
                    for (RDFTriple t : ((RDFParserMetaData) meta).getUnparsedTriples()) {
                        String object = t.getObject().isLiteral() ? "literal" : t.getObject().toString();
                        System.out.println("unparsed\t" + t.getSubject() + "\t" + t.getPredicate() + "\t" + object);
                    }
                }
            }
            for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
                System.out.println("violation\t" + v.toString().replace('\n', ' '));
            }
            System.out.println("triples\t" + triples);
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
