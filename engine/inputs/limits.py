"""How much gpca reads: the size limit on every file it parses.

A plan is a few kilobytes and the largest rule file a few more; a limit checked before
parsing keeps a huge or endless file (``/dev/zero``, a 200 MB value) from eating memory.
"""

from __future__ import annotations

import os
import re

from engine.core.errors import InputError
from engine.core.model import Problem

MAX_FILE_BYTES_DEFAULT = 1024 * 1024
MAX_FILE_ENV = "GPCA_MAX_FILE_SIZE"
_SIZE = re.compile(r"(\d{1,12})\s*(|k|kib|m|mib)", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "kib": 1024, "m": 1024 * 1024, "mib": 1024 * 1024}


def parse_size(text: str) -> int | None:
    """``'2MiB'`` -> 2097152; bytes, or with a K/KiB or M/MiB suffix; ``None`` if not a size."""
    match = _SIZE.fullmatch(text.strip())
    if not match or int(match.group(1)) == 0:
        return None
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


def max_file_bytes() -> int:
    """The largest file gpca reads: ``GPCA_MAX_FILE_SIZE`` if set, else 1 MiB."""
    text = os.environ.get(MAX_FILE_ENV)
    if text is None:
        return MAX_FILE_BYTES_DEFAULT
    size = parse_size(text)
    if size is None:
        from engine.core.escape import echoed

        message = f"{MAX_FILE_ENV} must be a size such as 1048576, 512K or 4M, but is '{echoed(text)}'"
        raise InputError([Problem("bad-setting", message, hint=f"unset {MAX_FILE_ENV} for 1 MiB")])
    return size


def size_words(size: int) -> str:
    """1048576 -> '1 MiB'; 1536 -> '1.5 KiB'; 900 -> '900 bytes'."""
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"
