"""Cache loaded rule sets, so that start-up does not parse and validate every rule file.

The key is a hash of gpca's version and the bytes of every YAML file under the rule
directories, so any edit to a rule (or an upgrade of gpca) misses the cache and the rules
are read and validated afresh. Only rule sets that loaded without a problem are stored.
A cache that cannot be read or written is ignored: it only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Sequence
from pathlib import Path

from engine import __version__, load
from engine.model import RuleSet


def cache_dir() -> Path | None:
    if os.environ.get("GPCA_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gpca"


def load_rules_cached(directories: Sequence[Path] | None = None) -> RuleSet:
    folder = cache_dir()
    if folder is None:
        return load.load_rules(directories)
    entry = folder / f"rules-{_key(directories)}.pickle"
    try:
        with entry.open("rb") as stored:
            rules = pickle.load(stored)
        if isinstance(rules, RuleSet):
            return rules
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        pass
    rules = load.load_rules(directories)
    _store(entry, rules)
    return rules


def _key(directories: Sequence[Path] | None) -> str:
    roots = [load.builtin_rules_dir(), *(directories or ())]
    digest = hashlib.sha256(f"{__version__}\0{[str(r) for r in directories or ()]}".encode())
    for root in roots:
        for file in sorted(Path(root).rglob("*.y*ml")):
            digest.update(f"{file.relative_to(root)}\0".encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:32]


def _store(entry: Path, rules: RuleSet) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False) as staged:
            pickle.dump(rules, staged)
        os.replace(staged.name, entry)  # atomic: a concurrent reader never sees half a file
    except OSError:
        pass
