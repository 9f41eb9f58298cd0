"""Where the planner's plans are checked: a child process, so an engine crash is contained.

durable_rules is a C extension: a plan it cannot take may crash the process that calls it
(SIGSEGV, SIGABRT) or spin for ever. The server therefore never imports it. Every API call
goes to one worker process over a pipe, one call at a time (the C engine must never be
called concurrently); if the worker dies or hangs, that request gets a clear 500 page, the
worker is ended and a new one is started for the next request.

The pipe carries frames: a 4-byte big-endian length, then a msgpack message. A request is
``[endpoint, body]``; a reply is an ``api.Reply``.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import msgspec

from engine.core.model import Problem

CALL_TIMEOUT = 120.0  # seconds for one call; a plan takes well under one
START_TIMEOUT = 120.0  # loading and compiling the rules on a busy machine
MAX_REPLY = 64 * 1024 * 1024
_HEADER = 4
_NEVER = float("inf")


class WorkerFailed(Exception):
    """The worker died, hung or answered nonsense; it has been ended."""


class WorkerStartFailed(Exception):
    """A new worker could not load the rules; ``detail`` is what it said."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Worker:
    """The parent's handle on the worker process: ``call`` is safe from any thread."""

    def __init__(self, rule_dirs: list[Path] | None = None, command: list[str] | None = None,
                 call_timeout: float = CALL_TIMEOUT) -> None:  # fmt: skip
        dirs = [str(Path(d).resolve()) for d in rule_dirs or ()]
        self.command = command or [sys.executable, "-m", "engine.web.worker", *dirs]
        self.call_timeout = call_timeout
        self.restarts = 0
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> None:
        """Start the worker now (rather than on the first call); raises if it cannot load."""
        with self._lock:
            self._running()

    def call(self, endpoint: str, body: bytes) -> bytes:
        """The worker's encoded reply to ``endpoint`` with ``body``; ``WorkerFailed`` if it died."""
        with self._lock:
            process = self._running()
            try:
                _write_frame(process, msgspec.msgpack.encode([endpoint, body]))
                return _read_frame(process, time.monotonic() + self.call_timeout)
            except (OSError, WorkerFailed) as error:
                self._end()
                raise WorkerFailed(str(error)) from None

    def close(self) -> None:
        with self._lock:
            self._end()

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        if self._process is not None:  # died between calls: start afresh, quietly
            self._end()
            self.restarts += 1
        self._process = self._spawn()
        return self._process

    def _spawn(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True,  # ^C in the terminal reaches the server, which ends it
        )
        try:
            ready = _read_frame(process, time.monotonic() + START_TIMEOUT)
        except (OSError, WorkerFailed):
            ready = b""
        if ready != b"ready":
            detail = _ended_with(process)
            raise WorkerStartFailed(detail or ready.decode("utf-8", "replace"))
        assert process.stderr is not None
        _drain_in_background(process.stderr)
        return process

    def _end(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe:
                pipe.close()


def _ended_with(process: subprocess.Popen[bytes]) -> str:
    """What a worker that failed to start printed, after making sure it has ended."""
    if process.poll() is None:
        process.kill()
    _, err = process.communicate()
    return err.decode("utf-8", "replace").strip()


def _drain_in_background(stream: object) -> None:
    """Keep reading the worker's stderr so a chatty engine can never fill the pipe and stall."""

    def drain() -> None:
        with stream:  # type: ignore[attr-defined]
            while stream.read(65536):  # type: ignore[attr-defined]
                pass

    threading.Thread(target=drain, daemon=True).start()


def _write_frame(process: subprocess.Popen[bytes], payload: bytes) -> None:
    assert process.stdin is not None
    process.stdin.write(len(payload).to_bytes(_HEADER, "big") + payload)
    process.stdin.flush()


def _read_frame(process: subprocess.Popen[bytes], deadline: float) -> bytes:
    assert process.stdout is not None
    size = int.from_bytes(_read_exactly(process.stdout.fileno(), _HEADER, deadline), "big")
    if size > MAX_REPLY:
        raise WorkerFailed(f"a reply of {size} bytes")
    return _read_exactly(process.stdout.fileno(), size, deadline)


def _read_exactly(descriptor: int, size: int, deadline: float) -> bytes:
    chunks, left = [], size
    while left > 0:
        if deadline != _NEVER:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([descriptor], [], [], remaining)[0]:
                raise WorkerFailed("no answer in time")
        chunk = os.read(descriptor, min(left, 1 << 20))
        if not chunk:
            raise WorkerFailed("the worker ended")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# --- the worker's side ---------------------------------------------------------------


def serve_calls(answer: Callable[[str, bytes], bytes], requests: int, replies: int) -> None:
    """Answer framed requests read from ``requests`` until it closes."""
    while True:
        try:
            header = _read_exactly(requests, _HEADER, _NEVER)
        except WorkerFailed:
            return  # the server closed the pipe: it is stopping
        endpoint, body = msgspec.msgpack.decode(_read_exactly(requests, int.from_bytes(header, "big"), _NEVER))
        reply = answer(endpoint, body)
        os.write(replies, len(reply).to_bytes(_HEADER, "big"))
        _write_all(replies, reply)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]


def main(rule_dirs: list[str]) -> None:
    # Frames go on a private copy of stdout; anything else that prints (the C engine,
    # a stray print) goes to stderr and cannot corrupt the stream.
    replies = os.dup(1)
    os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when the worker stops
    from engine.core.errors import InputError
    from engine.core.evaluate import Evaluator
    from engine.inputs.load import load_rules
    from engine.web.api import Api
    from engine.web.reply import problems_reply

    try:
        api = Api(Evaluator(load_rules([Path(d) for d in rule_dirs] or None)))
    except InputError as error:
        print(str(error), file=sys.stderr)
        raise SystemExit(2) from None
    endpoints = {"catalogue": lambda _body: api.catalogue(), "assess": api.assess,
                 "upload": api.upload, "yaml": api.yaml, "report": api.report,
                 "timeline": api.timeline}  # fmt: skip

    def answer(endpoint: str, body: bytes) -> bytes:
        try:
            reply = endpoints[endpoint](body)
        except Exception as error:  # noqa: BLE001 - the page shows an error, never a trace
            print(f"gpca serve: internal error: {type(error).__name__}", file=sys.stderr)
            reply = problems_reply(500, [INTERNAL_ERROR])
        return msgspec.msgpack.encode(reply)

    os.write(replies, len(b"ready").to_bytes(_HEADER, "big") + b"ready")
    serve_calls(answer, 0, replies)


INTERNAL_ERROR = Problem("internal-error", "gpca hit an internal error (a bug); your answers are kept in this page")


if __name__ == "__main__":
    main(sys.argv[1:])
