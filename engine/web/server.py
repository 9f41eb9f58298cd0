"""The planner's HTTP server: the standard library's, bound to this machine by default.

It serves the page and its assets from this package and passes API calls to the worker
process (engine/web/worker.py), so a crash of the C engine cannot take it down; it keeps
nothing between requests and logs nothing about a plan. Whatever address it listens on,
it answers only requests addressed to that address or to this machine (no DNS
rebinding) and from its own page (no cross-site posts).
"""

from __future__ import annotations

import re
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec

from engine.core.model import Problem
from engine.inputs.load import load_rules
from engine.web import addresses
from engine.web.reply import Reply, problems_reply
from engine.web.worker import Worker, WorkerFailed, WorkerStartFailed

MAX_BODY = 512 * 1024  # a large plan is a few kilobytes
DRAIN_LIMIT = 16 * MAX_BODY  # after the 413, at most this much is read so the client sees it
BACKLOG = 256  # 200 pages opened at once must not have connections reset
CONNECTION_TIMEOUT = 30.0  # seconds a connection may sit idle or trickle a request
_LENGTH = re.compile(r"[0-9]{1,12}")
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}  # fmt: skip
POSTS = {"/api/assess": "assess", "/api/upload": "upload", "/api/yaml": "yaml", "/api/report": "report",
         "/api/timeline": "timeline"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def static_files() -> dict[str, Path]:
    """The page's assets by URL path; only these files are ever served."""
    root = Path(str(resources.files("engine.web") / "static"))
    files = {f"/static/{p.relative_to(root).as_posix()}": p for p in root.rglob("*") if p.is_file()}
    files["/"] = root / "index.html"
    return files


class PlannerServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = BACKLOG

    def __init__(self, address: tuple[str, int], worker: Worker) -> None:
        self.address_family = addresses.family(address[0])
        # Set before binding: a failed bind (a busy port) calls server_close, which closes it.
        self.worker = worker
        super().__init__(address, Handler)
        self.files = static_files()
        self._catalogue: Reply | None = None

    def call(self, endpoint: str, body: bytes = b"") -> Reply:
        """The worker's reply; a clear 500 page if the engine crashed or hung on this plan."""
        if endpoint == "catalogue" and self._catalogue is not None:
            return self._catalogue
        try:
            reply = msgspec.msgpack.decode(self.worker.call(endpoint, body), type=Reply)
        except WorkerFailed as error:
            print(f"gpca serve: the checking engine stopped on a plan ({error}); restarting it",
                  file=sys.stderr)  # fmt: skip
            return problems_reply(500, [ENGINE_STOPPED])
        if endpoint == "catalogue" and reply.status == 200:
            self._catalogue = reply
        return reply

    def allowed_host(self, host: str) -> bool:
        return addresses.allowed_host(host, self.server_address[0])

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up or timed out is no error of ours: say nothing, no traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError, socket.timeout)):
            return
        print(f"gpca serve: internal error: {type(error).__name__}", file=sys.stderr)

    def server_close(self) -> None:
        super().server_close()
        self.worker.close()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}/"


class Handler(BaseHTTPRequestHandler):
    server: PlannerServer
    server_version = "gpca-planner"
    sys_version = ""
    timeout = CONNECTION_TIMEOUT
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server looks for
        self._answer(self._get)

    def do_HEAD(self) -> None:  # noqa: N802 - the name http.server looks for
        self._answer(self._get)

    def do_POST(self) -> None:  # noqa: N802 - the name http.server looks for
        self._answer(self._post)

    def _answer(self, route: Any) -> None:
        try:
            reply = self._refused() or route(urlsplit(self.path).path)
        except Exception as error:  # noqa: BLE001 - the page shows an error, never a trace
            print(f"gpca serve: internal error: {type(error).__name__}", file=sys.stderr)
            reply = problems_reply(500, [Problem("internal-error",
                "gpca hit an internal error (a bug); your answers are kept in this page")])  # fmt: skip
        self._send(reply)

    def _refused(self) -> Reply | None:
        """Refuse other sites' pages (DNS rebinding, cross-site posts), whatever the address."""
        host = addresses.host_name(self.headers.get("Host") or "")
        origin = self.headers.get("Origin")
        origin_host = addresses.origin_host(origin) if origin is not None else host
        if not (host and self.server.allowed_host(host) and origin_host == host):
            return problems_reply(403, [Problem("forbidden", "the planner answers only its own page")])
        return None

    def _get(self, path: str) -> Reply:
        if path == "/api/catalogue":
            return self.server.call("catalogue")
        file = self.server.files.get(path)
        if file is None:
            return problems_reply(404, [Problem("not-found", f"there is no page at {path}")])
        return Reply(200, STATIC_TYPES.get(file.suffix, "application/octet-stream"), file.read_bytes())

    def _post(self, path: str) -> Reply:
        endpoint = POSTS.get(path)
        if endpoint is None:
            return problems_reply(404, [Problem("not-found", f"there is no endpoint at {path}")])
        body = self._body()
        return body if isinstance(body, Reply) else self.server.call(endpoint, body)

    def _body(self) -> bytes | Reply:
        length = (self.headers.get("Content-Length") or "").strip()
        if not _LENGTH.fullmatch(length):
            self.close_connection = True
            return problems_reply(411, [Problem("no-length", "the request did not say its size")])
        if int(length) > MAX_BODY:
            self._refused_length = int(length)  # answered before a byte of it is read
            message = f"the plan is too large ({int(length):,} bytes; the limit is {MAX_BODY:,})"
            return problems_reply(413, [Problem("too-large", message)])
        body = self.rfile.read(int(length))
        if len(body) < int(length):
            self.close_connection = True
            return problems_reply(400, [Problem("cut-short", "the request ended before its end")])
        return body

    _refused_length = 0

    def _send(self, reply: Reply) -> None:
        self.close_connection = True  # one request a connection: nothing unread is misread
        if self.request_version == "HTTP/0.9":  # it would get a body without a status line
            self.request_version = "HTTP/1.0"
        self.send_response(reply.status)
        headers = {**SECURITY_HEADERS, "Content-Type": reply.content_type,
                   "Content-Length": str(len(reply.body)), "Connection": "close", **reply.headers}  # fmt: skip
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        self.wfile.flush()
        if self._refused_length:
            self._discard(self._refused_length)

    def _discard(self, length: int) -> None:
        """After a 413, read a bounded part of the refused body, so the client can read the
        answer before the connection closes (closing with unread data resets it)."""
        left = min(length, DRAIN_LIMIT)
        while left > 0:
            chunk = self.rfile.read(min(left, 64 * 1024))
            if not chunk:
                break
            left -= len(chunk)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A malformed request (bad request line, headers, method) in the page's own form,
        with the security headers, rather than http.server's bare HTML."""
        if code == HTTPStatus.NOT_IMPLEMENTED:  # a method other than GET, HEAD and POST
            code, message = HTTPStatus.METHOD_NOT_ALLOWED, "the planner answers GET and POST only"
        if code == HTTPStatus.HTTP_VERSION_NOT_SUPPORTED:  # the client's mistake: a 4xx
            code, message = HTTPStatus.BAD_REQUEST, "the planner speaks HTTP/1.0 and HTTP/1.1 only"
        status = HTTPStatus(code)
        reply = problems_reply(code, [Problem("bad-request", message or status.phrase)])
        if code == HTTPStatus.METHOD_NOT_ALLOWED:
            reply = Reply(reply.status, reply.content_type, reply.body, {"Allow": "GET, HEAD, POST"})
        self._send(reply)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        pass  # request lines are noise in the terminal, and the page shows every failure


ENGINE_STOPPED = Problem(
    "engine-stopped",
    "gpca's checking engine stopped while checking this plan (a bug in gpca); it has been "
    "restarted and your answers are kept in this page. Please report the plan.",
)


def make_server(host: str = "127.0.0.1", port: int = 0, rule_dirs: list[Path] | None = None,
                worker: Worker | None = None) -> PlannerServer:  # fmt: skip
    """A planner server on ``host``:``port`` (0: any free port), not yet serving.

    The rules are read here (a mistake in them is the user's, exit 2) and compiled in the
    worker, which is started now so that the first page does not wait for it.
    """
    load_rules(rule_dirs or None)
    worker = worker or Worker(rule_dirs)
    try:
        worker.start()
    except WorkerStartFailed as error:
        raise RuntimeError(f"the planner's worker could not start: {error.detail}") from None
    try:
        return PlannerServer((host, port), worker)
    except BaseException:
        worker.close()
        raise


def serve(host: str = "127.0.0.1", port: int = 8765, rule_dirs: list[Path] | None = None,
          announce: Any = print) -> None:  # fmt: skip
    """Serve the planner until interrupted."""
    server = make_server(host, port, rule_dirs)
    try:  # from the first word: a Ctrl+C just after the address is shown must close the worker too
        announce(f"The gpca planner is at {server.url}  (press Ctrl+C to stop)")
        if not addresses.is_loopback(host):
            announce(f"Warning: listening on {host}: anyone who can reach this machine can use the planner.")
        server.serve_forever()
    finally:
        server.server_close()


def serve_in_thread(server: PlannerServer) -> threading.Thread:
    """Start ``server`` in a daemon thread (for tests and embedding); stop with shutdown()."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
