"""Cache loaded rule sets, so that start-up does not parse and validate every rule file.

A cache directory can be written by others (a CI cache shared across branches, a
shared home), so an entry is used only when it is proved to be what this user's gpca
stored for exactly these rule files:

1. it holds gpca's version and the bytes of every YAML file under the rule
   directories, and those are exactly what is on disk now (comparing bytes, not
   hashes, so no digest collision can match an edited rule); and
2. its HMAC-SHA256, over the version, those bytes and the encoded rule set, verifies
   under a secret key kept outside the cache directory
   (``$XDG_STATE_HOME/gpca/cache-key``, else ``~/.local/state/gpca/cache-key``,
   readable by its owner only, made on first use).

Anything else (another version, an edited rule, an entry written or altered without
the key, a key that cannot be read) is ignored and the rules are read and validated
afresh, so tampering with the cache can cost time but never change a verdict. Entries
are MessagePack decoded into the model's types: unlike a pickle, they cannot run code.
Only rule sets that loaded without a problem are stored; a cache that cannot be read or
written is ignored.
"""

from __future__ import annotations

import binascii
import os
from collections.abc import Sequence
from pathlib import Path

import msgspec

from engine import __version__
from engine.core.model import RuleSet
from engine.inputs import load

Sources = list[tuple[str, str, bytes]]  # (rule directory, file within it, its bytes)
KEY_BYTES = 32
LARGEST_SOURCE = 1 << 20  # bytes; larger rule files are left to the loader's own limit


class _Entry(msgspec.Struct, frozen=True):
    version: str
    sources: Sources
    rules: bytes  # the RuleSet, MessagePack
    mac: bytes  # HMAC-SHA256 of (version, sources, rules) under the user's key


def cache_dir() -> Path | None:
    if os.environ.get("GPCA_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gpca"


def key_file() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "gpca" / "cache-key"


def load_rules_cached(directories: Sequence[Path] | None = None) -> RuleSet:
    folder = cache_dir()
    key = _key() if folder is not None else None
    if folder is None or key is None:
        return load.load_rules(directories)
    names = [str(directory) for directory in directories or ()]
    entry = folder / f"rules-{binascii.crc32(repr(names).encode()):08x}.msgpack"
    current = _sources(directories)
    if current is None:
        return load.load_rules(directories)
    stored = _verified(entry, current, key)
    if stored is not None:
        return msgspec.structs.replace(stored, origins=load.rule_origins([Path(d) for d in stored.directories]))
    rules = load.load_rules(directories)
    encoded = msgspec.msgpack.encode(rules)
    _store(entry, _Entry(__version__, current, encoded, _mac(key, __version__, current, encoded)))
    return rules


def _verified(entry: Path, current: Sources, key: bytes) -> RuleSet | None:
    """The entry's rule set, if it is proved to stand for exactly these rule files."""
    import hmac

    try:
        stored = msgspec.msgpack.decode(entry.read_bytes(), type=_Entry)
        if (stored.version, stored.sources) != (__version__, current):
            return None
        if not hmac.compare_digest(stored.mac, _mac(key, stored.version, stored.sources, stored.rules)):
            return None  # written or altered by someone without the key
        return msgspec.msgpack.decode(stored.rules, type=RuleSet)
    except (OSError, msgspec.DecodeError):  # absent, unreadable, or from another gpca
        return None


def _mac(key: bytes, version: str, sources: Sources, rules: bytes) -> bytes:
    import hmac

    return hmac.new(key, msgspec.msgpack.encode([version, sources, rules]), "sha256").digest()


def _key() -> bytes | None:
    """The user's cache key, made on first use; None (no cache) if it cannot be had."""
    path = key_file()
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        key = _new_key(path)
    except OSError:
        return None
    return key if key is not None and len(key) == KEY_BYTES else None


def _new_key(path: Path) -> bytes | None:
    key = os.urandom(KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as written:
            written.write(key)
    except FileExistsError:  # another gpca made it first: use theirs
        return _read(path)
    except OSError:
        return None
    return key


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _sources(directories: Sequence[Path] | None) -> Sources | None:
    """Every rule file's bytes; None when one is not a plain file of a sane size, which
    only the loader may read (and name as a problem)."""
    roots = [load.builtin_rules_dir(), *(directories or ())]
    try:
        files = [(root, file) for root in roots for file in sorted(Path(root).rglob("*.y*ml"))]
        if not all(_plain(file) for _root, file in files):
            return None
        return [(str(root), str(file.relative_to(root)), file.read_bytes()) for root, file in files]
    except OSError:
        return None


def _plain(file: Path) -> bool:
    import stat

    status = file.stat()
    return stat.S_ISREG(status.st_mode) and status.st_size <= LARGEST_SOURCE


def _store(entry: Path, content: _Entry) -> None:
    import tempfile  # only on a miss

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False) as staged:
            staged.write(msgspec.msgpack.encode(content))
        os.replace(staged.name, entry)  # atomic: a concurrent reader never sees half a file
    except OSError:
        pass
