"""What the operator of ``gulag-kg serve`` can set (each with its ``serve`` option)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..workers import DEFAULT_MEMORY_MB


@dataclass(frozen=True)
class WebSettings:
    """Limits and switches of the web layer; the defaults are the safe ones."""

    #: Most rows (or triples) a SPARQL result may have; a larger result is refused with 422,
    #: never cut. None lifts the limit: results then stream as they are computed (``--max-rows 0``).
    max_rows: int | None = 10_000
    #: Seconds a query may run (queueing included) before it is stopped (``--timeout``).
    timeout: float = 60.0
    #: Largest request body accepted, in bytes (``--max-body``); larger is 413.
    max_body_bytes: int = 1_000_000
    #: Longest request target (path and query string), in bytes; longer is 414.
    max_url_bytes: int = 65_536
    #: Most bytes of request headers; more is 431.
    max_header_bytes: int = 65_536
    #: Allow SERVICE calls in queries (network access): off unless the operator says so.
    allow_service: bool = False
    #: Queries evaluated at once, each in its own worker process (``--max-queries``).
    max_queries: int = 8
    #: Queries waiting for a worker beyond those; more get 503 with Retry-After (``--max-queued``).
    max_queued: int = 64
    #: Memory cap of one query in MiB, beyond its worker's start (``--query-memory``).
    query_memory_mb: int | None = DEFAULT_MEMORY_MB
    #: Memory cap of the whole server in MiB: this process and its query workers together
    #: (``--memory-limit``). Past it the largest running query is stopped and new ones get 503.
    memory_limit_mb: int | None = 4096
    #: Seconds a client may leave a request half-sent (headers not all there, or a pause in
    #: its body) before the connection is closed with 408 (``--idle-timeout``).
    idle_timeout: float = 10.0
    #: Seconds an idle keep-alive connection stays open between requests (``--keep-alive``).
    keep_alive: float = 5.0

    @classmethod
    def from_environment(cls, environ=os.environ) -> WebSettings:
        """Settings from ``GULAG_KG_*`` variables (for an ASGI server that imports the app):
        ``GULAG_KG_MAX_ROWS``, ``GULAG_KG_TIMEOUT``, ``GULAG_KG_MAX_BODY``, ``GULAG_KG_ALLOW_SERVICE``,
        ``GULAG_KG_MAX_QUERIES``, ``GULAG_KG_MAX_QUEUED``, ``GULAG_KG_QUERY_MEMORY``,
        ``GULAG_KG_MEMORY_LIMIT``, ``GULAG_KG_IDLE_TIMEOUT``; 0 lifts a limit where the option
        allows it.

        >>> WebSettings.from_environment({"GULAG_KG_MAX_ROWS": "0", "GULAG_KG_TIMEOUT": "5"}).max_rows is None
        True
        """
        def number(name, kind, default, zero_is_none=False):
            text = environ.get(name)
            if text is None or text == "":
                return default
            value = kind(text)
            return None if zero_is_none and value == 0 else value

        return cls(
            max_rows=number("GULAG_KG_MAX_ROWS", int, cls.max_rows, True),
            timeout=number("GULAG_KG_TIMEOUT", float, cls.timeout),
            max_body_bytes=number("GULAG_KG_MAX_BODY", int, cls.max_body_bytes),
            allow_service=environ.get("GULAG_KG_ALLOW_SERVICE", "").lower() in ("1", "true", "yes"),
            max_queries=number("GULAG_KG_MAX_QUERIES", int, cls.max_queries),
            max_queued=number("GULAG_KG_MAX_QUEUED", int, cls.max_queued),
            query_memory_mb=number("GULAG_KG_QUERY_MEMORY", int, cls.query_memory_mb, True),
            memory_limit_mb=number("GULAG_KG_MEMORY_LIMIT", int, cls.memory_limit_mb, True),
            idle_timeout=number("GULAG_KG_IDLE_TIMEOUT", float, cls.idle_timeout),
        )

    def environment(self) -> dict[str, str]:
        """These settings as the variables :meth:`from_environment` reads.

        >>> WebSettings.from_environment(WebSettings(max_rows=None, timeout=5).environment()).timeout
        5.0
        """
        return {"GULAG_KG_MAX_ROWS": str(self.max_rows or 0), "GULAG_KG_TIMEOUT": str(self.timeout),
                "GULAG_KG_MAX_BODY": str(self.max_body_bytes), "GULAG_KG_ALLOW_SERVICE": "1" if self.allow_service else "",
                "GULAG_KG_MAX_QUERIES": str(self.max_queries), "GULAG_KG_MAX_QUEUED": str(self.max_queued),
                "GULAG_KG_QUERY_MEMORY": str(self.query_memory_mb or 0),
                "GULAG_KG_MEMORY_LIMIT": str(self.memory_limit_mb or 0), "GULAG_KG_IDLE_TIMEOUT": str(self.idle_timeout)}
