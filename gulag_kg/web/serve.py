"""Running the application with uvicorn (``gulag-kg serve``)."""

from __future__ import annotations

from collections.abc import Callable

import uvicorn

from ..kg import KnowledgeGraph
from .app import create_app
from .settings import WebSettings


def make_server(kg: KnowledgeGraph, *, host: str = "127.0.0.1", port: int = 8000,
                settings: WebSettings | None = None) -> uvicorn.Server:
    """A uvicorn server for ``kg``, ready to ``run()``; ``port=0`` picks a free port."""
    config = uvicorn.Config(create_app(kg, settings), host=host, port=port, log_level="warning",
                            access_log=False, lifespan="off")
    return uvicorn.Server(config)


def bound_port(server: uvicorn.Server) -> int:
    """The port a started server listens on (useful with ``port=0``)."""
    return server.servers[0].sockets[0].getsockname()[1]


def run(kg: KnowledgeGraph, *, host: str, port: int, settings: WebSettings,
        announce: Callable[[str], None]) -> None:
    """Serve until interrupted; ``announce`` gets the address once the socket is bound."""
    server = make_server(kg, host=host, port=port, settings=settings)
    config_startup = server.startup

    async def startup(sockets=None):
        await config_startup(sockets)
        announce(f"http://{host}:{bound_port(server)}")

    server.startup = startup
    server.run()
