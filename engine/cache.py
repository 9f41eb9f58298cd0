"""Cache loaded rule sets, so that start-up does not parse and validate every rule file.

An entry holds gpca's version and the bytes of every YAML file under the rule
directories, beside the rule set they gave. It is used only while those are exactly what
is on disk, so any edit to a rule (or an upgrade of gpca) misses the cache and the rules
are read and validated afresh. Comparing the bytes, rather than hashing them, keeps
hashing out of start-up. Entries are MessagePack, decoded into the model's types: unlike
a pickle, a cache file cannot run code. Only rule sets that loaded without a problem are
stored. A cache that cannot be read or written is ignored: it only ever saves time.
"""

from __future__ import annotations

import binascii
import os
from collections.abc import Sequence
from pathlib import Path

import msgspec

from engine import __version__, load
from engine.model import RuleSet


class _Entry(msgspec.Struct, frozen=True):
    version: str
    sources: list[tuple[str, str, bytes]]  # (rule directory, file within it, its bytes)
    rules: RuleSet


def cache_dir() -> Path | None:
    if os.environ.get("GPCA_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gpca"


def load_rules_cached(directories: Sequence[Path] | None = None) -> RuleSet:
    folder = cache_dir()
    if folder is None:
        return load.load_rules(directories)
    names = [str(directory) for directory in directories or ()]
    entry = folder / f"rules-{binascii.crc32(repr(names).encode()):08x}.msgpack"
    current = _sources(directories)
    try:
        stored = msgspec.msgpack.decode(entry.read_bytes(), type=_Entry)
        if (stored.version, stored.sources) == (__version__, current):
            return stored.rules
    except (OSError, msgspec.DecodeError):  # absent, unreadable, or from another gpca
        pass
    rules = load.load_rules(directories)
    _store(entry, _Entry(__version__, current, rules))
    return rules


def _sources(directories: Sequence[Path] | None) -> list[tuple[str, str, bytes]]:
    roots = [load.builtin_rules_dir(), *(directories or ())]
    return [(str(root), str(file.relative_to(root)), load.read_regular_file(file))
            for root in roots for file in sorted(Path(root).rglob("*.y*ml"))]  # fmt: skip


def _store(entry: Path, content: _Entry) -> None:
    import tempfile  # only on a miss

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False) as staged:
            staged.write(msgspec.msgpack.encode(content))
        os.replace(staged.name, entry)  # atomic: a concurrent reader never sees half a file
    except OSError:
        pass
