"""The planner's HTTP server: the standard library's, bound to this machine by default.

It serves the page and its assets from this package and answers the API; it keeps
nothing between requests and logs nothing about a plan.
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from engine.evaluate import Evaluator
from engine.load import load_rules
from engine.model import Problem
from engine.web.api import Api, Reply, problems_reply

MAX_BODY = 512 * 1024  # a large plan is a few kilobytes
DRAIN_LIMIT = 16 * MAX_BODY  # past this a refused upload is cut off unread
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}  # fmt: skip
POSTS = {"/api/assess": Api.assess, "/api/upload": Api.upload,
         "/api/yaml": Api.yaml, "/api/report": Api.report}  # fmt: skip
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

    def __init__(self, address: tuple[str, int], api: Api) -> None:
        super().__init__(address, Handler)
        self.api = api
        self.files = static_files()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}/"


class Handler(BaseHTTPRequestHandler):
    server: PlannerServer
    server_version = "gpca-planner"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server looks for
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
        """Refuse other sites' pages (DNS rebinding, cross-site posts) when bound locally."""
        if self.server.server_address[0] not in ("127.0.0.1", "::1"):
            return None
        host = (self.headers.get("Host") or "").rpartition(":")[0] or self.headers.get("Host", "")
        origin = self.headers.get("Origin")
        if host not in LOOPBACK or (origin and urlsplit(origin).hostname not in LOOPBACK):
            return problems_reply(403, [Problem("forbidden", "the planner answers only this machine")])
        return None

    def _get(self, path: str) -> Reply:
        if path == "/api/catalogue":
            return self.server.api.catalogue()
        file = self.server.files.get(path)
        if file is None:
            return problems_reply(404, [Problem("not-found", f"there is no page at {path}")])
        return Reply(200, STATIC_TYPES.get(file.suffix, "application/octet-stream"), file.read_bytes())

    def _post(self, path: str) -> Reply:
        endpoint = POSTS.get(path)
        if endpoint is None:
            return problems_reply(404, [Problem("not-found", f"there is no endpoint at {path}")])
        body = self._body()
        return body if isinstance(body, Reply) else endpoint(self.server.api, body)

    def _body(self) -> bytes | Reply:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            return problems_reply(411, [Problem("no-length", "the request did not say its size")])
        if int(length) > MAX_BODY:
            self._discard(int(length))
            message = f"the plan is too large ({int(length):,} bytes; the limit is {MAX_BODY:,})"
            return problems_reply(413, [Problem("too-large", message)])
        return self.rfile.read(int(length))

    def _discard(self, length: int) -> None:
        """Read (a bounded part of) a refused body, so the client can read the 413."""
        self.close_connection = True  # what is left unread must not be taken for a request
        left = min(length, DRAIN_LIMIT)
        while left > 0:
            chunk = self.rfile.read(min(left, 64 * 1024))
            if not chunk:
                break
            left -= len(chunk)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        headers = {**SECURITY_HEADERS, "Content-Type": reply.content_type,
                   "Content-Length": str(len(reply.body)), **reply.headers}  # fmt: skip
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        pass  # request lines are noise in the terminal, and the page shows every failure


def make_server(host: str = "127.0.0.1", port: int = 0,
                rule_dirs: list[Path] | None = None) -> PlannerServer:  # fmt: skip
    """A planner server on ``host``:``port`` (0: any free port), not yet serving."""
    return PlannerServer((host, port), Api(Evaluator(load_rules(rule_dirs or None))))


def serve(host: str = "127.0.0.1", port: int = 8765, rule_dirs: list[Path] | None = None,
          announce: Any = print) -> None:  # fmt: skip
    """Serve the planner until interrupted."""
    server = make_server(host, port, rule_dirs)
    announce(f"The gpca planner is at {server.url}  (press Ctrl+C to stop)")
    if host not in ("127.0.0.1", "::1", "localhost"):
        announce(f"Warning: listening on {host}: anyone who can reach this machine can use the planner.")
    try:
        server.serve_forever()
    finally:
        server.server_close()


def serve_in_thread(server: PlannerServer) -> threading.Thread:
    """Start ``server`` in a daemon thread (for tests and embedding); stop with shutdown()."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
