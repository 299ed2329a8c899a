"""What the operator of ``gulag-kg serve`` can set."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebSettings:
    """Limits and switches of the web layer; the defaults are the safe ones."""

    #: Most rows (or triples) a SPARQL result may have.
    max_rows: int = 10_000
    #: Seconds a query may run.
    timeout: float = 60.0
    #: Largest request body accepted, in bytes.
    max_body_bytes: int = 1_000_000
    #: Allow SERVICE calls in queries (network access): off unless the operator says so.
    allow_service: bool = False
