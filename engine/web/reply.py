"""What an endpoint answers: a status, a content type and a body, with plain constructors.

Kept apart from the endpoints so that the server, which never runs the engine itself,
can build replies without importing it.
"""

from __future__ import annotations

import json
from typing import Any

from msgspec import Struct, field

from engine.core.model import Problem
from engine.web import plans

JSON = "application/json; charset=utf-8"


class Reply(Struct, frozen=True):
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(status: int, data: Any) -> Reply:
    return Reply(status, JSON, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def problems_reply(status: int, problems: list[Problem], **extra: Any) -> Reply:
    return json_reply(status, {"problems": [plans.problem_dict(p) for p in problems], **extra})
