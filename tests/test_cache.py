from __future__ import annotations

import os
from pathlib import Path

import msgspec
import msgspec.structs
import pytest

from engine import __version__
from engine.inputs import cache, load


def test_a_second_load_comes_from_the_cache_and_an_edit_misses_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rules_file = _one_rule_dir(monkeypatch, tmp_path)
    calls: list[object] = []
    real = load.load_rules
    monkeypatch.setattr(load, "load_rules", lambda dirs: calls.append(dirs) or real(dirs))

    first = cache.load_rules_cached(None)
    second = cache.load_rules_cached(None)
    rules_file.write_text(rules_file.read_text().replace("title: Offer", "title: Provide"))
    third = cache.load_rules_cached(None)

    assert (len(calls), first, [r.title for r in third.constraints]) == (
        2, second, ["Provide at least the contractual minimum of NHS 111 direct-booking slots"])
    assert len(list((tmp_path / "cache" / "gpca").glob("rules-*.msgpack"))) == 1


def test_an_edit_of_the_same_size_misses_the_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rules_file = _one_rule_dir(monkeypatch, tmp_path)
    cache.load_rules_cached(None)
    rules_file.write_text(rules_file.read_text().replace("title: Offer", "title: Offex"))
    assert [r.title[:5] for r in cache.load_rules_cached(None).constraints] == ["Offex"]


def test_an_unreadable_cache_entry_is_ignored_and_replaced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _one_rule_dir(monkeypatch, tmp_path)
    cache.load_rules_cached(None)
    [entry] = (tmp_path / "cache" / "gpca").glob("rules-*.msgpack")
    entry.write_bytes(b"\x93not msgpack")
    assert [r.id for r in cache.load_rules_cached(None).constraints] == ["nhs111-minimum-slots"]
    assert msgspec.msgpack.decode(entry.read_bytes())["version"] == __version__


def _one_rule_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("GPCA_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    rules_file = tmp_path / "rules" / "constraints" / "nhs111-minimum-slots.yaml"
    rules_file.parent.mkdir(parents=True)
    source = load.builtin_rules_dir() / "constraints" / "nhs111-minimum-slots.yaml"
    rules_file.write_bytes(source.read_bytes())
    monkeypatch.setattr(load, "builtin_rules_dir", lambda: tmp_path / "rules")
    return rules_file


def test_no_cache_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GPCA_NO_CACHE", "1")
    assert cache.cache_dir() is None


def test_an_entry_with_the_right_bytes_but_altered_rules_is_never_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _one_rule_dir(monkeypatch, tmp_path)
    genuine = cache.load_rules_cached(None)
    [entry] = (tmp_path / "cache" / "gpca").glob("rules-*.msgpack")
    stored = msgspec.msgpack.decode(entry.read_bytes())
    emptied = msgspec.structs.replace(genuine, constraints=())
    stored["rules"] = msgspec.msgpack.encode(emptied)  # the same rule-file bytes, no constraints
    entry.write_bytes(msgspec.msgpack.encode(stored))
    assert cache.load_rules_cached(None) == genuine


def test_an_entry_made_under_another_key_is_never_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _one_rule_dir(monkeypatch, tmp_path)
    genuine = cache.load_rules_cached(None)
    [entry] = (tmp_path / "cache" / "gpca").glob("rules-*.msgpack")
    stored = msgspec.msgpack.decode(entry.read_bytes())
    forged = msgspec.msgpack.encode(msgspec.structs.replace(genuine, constraints=()))
    stored["rules"], stored["mac"] = forged, cache._mac(b"k" * 32, stored["version"],
                                                        [tuple(s) for s in stored["sources"]], forged)  # fmt: skip
    entry.write_bytes(msgspec.msgpack.encode(stored))
    assert cache.load_rules_cached(None) == genuine


def test_the_key_is_made_once_readable_by_its_owner_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _one_rule_dir(monkeypatch, tmp_path)
    cache.load_rules_cached(None)
    key = cache.key_file().read_bytes()
    cache.load_rules_cached(None)
    assert (len(key), cache.key_file().read_bytes(), cache.key_file().stat().st_mode & 0o777) == (32, key, 0o600)
    assert cache.key_file().is_relative_to(tmp_path / "state")


def test_a_rule_directory_holding_a_fifo_is_left_to_the_loader(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rules_file = _one_rule_dir(monkeypatch, tmp_path)
    os.mkfifo(rules_file.parent / "odd.yaml")
    assert cache._sources(None) is None


def test_a_cached_rule_set_names_its_rules_from_where_gpca_runs_now(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _one_rule_dir(monkeypatch, tmp_path)
    (tmp_path / "gpca.toml").write_text('rules = ["rules"]\n', "utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "pyproject.toml").write_text('[project]\nname = "other"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    first = cache.load_rules_cached(None)
    monkeypatch.chdir(tmp_path / "elsewhere")  # a project with no [tool.gpca]: no project
    second = cache.load_rules_cached(None)
    assert (first.origins, second.origins) == (("national (rules/)",), ("national (built-in)",))
