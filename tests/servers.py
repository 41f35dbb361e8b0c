"""Run an ASGI app with uvicorn in a background thread (the local stand-ins for outside services)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThreadedServer:
    """A uvicorn server on 127.0.0.1:`port`, started and stopped from test code."""

    def __init__(self, app: Any, port: int, name: str) -> None:
        self.port = port
        self._name = name
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=name, daemon=True)

    def start(self, timeout: float = 10) -> None:
        """Serve in the background; return once the port accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"{self._name} did not start")
            time.sleep(0.01)

    def stop(self, timeout: float = 10) -> None:
        """Stop serving (the port then refuses connections) and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=timeout)
