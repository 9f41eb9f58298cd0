from __future__ import annotations

from pathlib import Path

import pytest

from engine import cache, load


def test_a_second_load_comes_from_the_cache_and_an_edit_misses_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("GPCA_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rules_dir = tmp_path / "rules"
    (rules_dir / "constraints").mkdir(parents=True)
    source = load.builtin_rules_dir() / "constraints" / "nhs111-minimum-slots.yaml"
    (rules_dir / "constraints" / "nhs111-minimum-slots.yaml").write_bytes(source.read_bytes())
    monkeypatch.setattr(load, "builtin_rules_dir", lambda: rules_dir)
    calls: list[object] = []
    real = load.load_rules
    monkeypatch.setattr(load, "load_rules", lambda dirs: calls.append(dirs) or real(dirs))

    first = cache.load_rules_cached(None)
    second = cache.load_rules_cached(None)
    (rules_dir / "constraints" / "nhs111-minimum-slots.yaml").write_text(
        source.read_text().replace("title: Offer", "title: Provide"))
    third = cache.load_rules_cached(None)

    assert (len(calls), first, [r.title for r in third.constraints]) == (
        2, second, ["Provide at least the contractual minimum of NHS 111 direct-booking slots"])
    assert len(list((tmp_path / "cache" / "gpca").glob("rules-*.pickle"))) == 2


def test_no_cache_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GPCA_NO_CACHE", "1")
    assert cache.cache_dir() is None
