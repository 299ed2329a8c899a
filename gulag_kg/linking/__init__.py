"""Linking with Wikidata: find candidates and score them, check links, give our claims back.

>>> from gulag_kg.linking import label_similarity
>>> label_similarity("Norillag", "norillag")
1.0
"""

from .candidates import CANDIDATE_COLUMNS, CandidateReport, CandidateRow, find_candidates, format_candidates_tsv
from .check import CHECK_COLUMNS, CheckReport, Disagreement, check_links, format_check_tsv
from .http import HttpClient, NetworkError, user_agent
from .links import AcceptedLink, Decision, choose_links, read_accept_list, write_generated_links
from .ours import LINK_TYPES, OurEntity, our_entities
from .quickstatements import QuickStatementsExport, export_quickstatements
from .scoring import Score, default_classes, label_similarity, read_classes, score_candidate
from .wikibase import ApiWikibase, SparqlWikibase, Wikibase, WikidataId, WikidataItem, verified_ids

__all__ = [
    "AcceptedLink", "ApiWikibase", "CANDIDATE_COLUMNS", "CHECK_COLUMNS", "CandidateReport", "CandidateRow",
    "CheckReport", "Decision", "Disagreement", "HttpClient", "LINK_TYPES", "NetworkError", "OurEntity",
    "QuickStatementsExport", "Score", "SparqlWikibase", "Wikibase", "WikidataId", "WikidataItem", "check_links",
    "choose_links", "default_classes", "export_quickstatements", "find_candidates", "format_candidates_tsv",
    "format_check_tsv", "label_similarity", "our_entities", "read_accept_list", "read_classes", "score_candidate",
    "user_agent", "verified_ids", "write_generated_links",
]
