"""Run an ASGI app with uvicorn in a background thread (the local stand-ins for outside services)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nobody listens on right now.

    Another process may take it before it is used: to serve, prefer `bound_socket()`.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bound_socket(port: int = 0) -> socket.socket:
    """Return a TCP socket bound to 127.0.0.1:`port` (a free port when 0), for uvicorn to serve on.

    Binding here, not in uvicorn, leaves no window in which another process can take the port.
    """
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    return sock


class ThreadedServer:
    """A uvicorn server on 127.0.0.1:`port` (a free one when 0), started and stopped from test code."""

    def __init__(self, app: Any, port: int, name: str) -> None:
        sock = bound_socket(port)
        self.port = int(sock.getsockname()[1])
        self._name = name
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=name, daemon=True
        )

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
