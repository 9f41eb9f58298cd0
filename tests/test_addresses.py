"""Which Host and Origin names the planner answers: never one that DNS rebinding can forge."""

from __future__ import annotations

import pytest

from engine.web.addresses import allowed_host, host_name, is_loopback, origin_host


@pytest.mark.parametrize(
    ("header", "name"),
    [("localhost:8765", "localhost"), ("LOCALHOST", "localhost"), ("[::1]:8765", "::1"),
     ("127.0.0.1", "127.0.0.1"), ("evil@localhost", ""), ("localhost:abc", ""), ("", ""),
     ("localhost/x", ""), ("a b", ""), ("localhost:123456", "")],
)  # fmt: skip
def test_host_name(header: str, name: str) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize(
    ("origin", "name"),
    [("http://localhost:8765", "localhost"), ("https://evil.example", "evil.example"),
     ("null", None), ("file://", None), ("http://localhost:x", None)],
)  # fmt: skip
def test_origin_host(origin: str, name: str | None) -> None:
    assert origin_host(origin) == name


@pytest.mark.parametrize(
    ("host", "bound", "allowed"),
    [("localhost", "127.0.0.1", True), ("127.0.0.2", "127.0.0.2", True), ("10.0.0.1", "127.0.0.1", False),
     ("10.0.0.1", "0.0.0.0", True), ("evil.example", "0.0.0.0", False), ("10.0.0.2", "10.0.0.1", False),
     ("10.0.0.1", "10.0.0.1", True), ("::1", "::", True), ("rebind.example", "::", False)],
)  # fmt: skip
def test_allowed_host(host: str, bound: str, allowed: bool) -> None:
    assert allowed_host(host, bound) is allowed


@pytest.mark.parametrize(("host", "loopback"), [("localhost", True), ("127.0.0.2", True), ("::1", True),
                                                ("0.0.0.0", False), ("example.org", False), ("::", False)])  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
