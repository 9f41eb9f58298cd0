"""The size limit on files gpca parses."""

from __future__ import annotations

import pytest

from engine.core.errors import InputError
from engine.inputs.limits import MAX_FILE_BYTES_DEFAULT, max_file_bytes, parse_size, size_words


@pytest.mark.parametrize(("text", "size"), [("1048576", 1048576), ("512K", 524288), ("4M", 4194304),
                                            ("2MiB", 2097152), (" 3 kib ", 3072)])  # fmt: skip
def test_sizes_are_read_in_bytes_kib_or_mib(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "0", "-1", "1.5M", "lots", "4G", "1" * 13])
def test_anything_else_is_no_size(text: str) -> None:
    assert parse_size(text) is None


def test_the_default_is_one_mib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GPCA_MAX_FILE_SIZE", raising=False)
    assert max_file_bytes() == MAX_FILE_BYTES_DEFAULT == 1024 * 1024


def test_a_bad_setting_is_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GPCA_MAX_FILE_SIZE", "lots")
    with pytest.raises(InputError) as raised:
        max_file_bytes()
    [problem] = raised.value.problems
    assert (problem.code, problem.message) == (
        "bad-setting", "GPCA_MAX_FILE_SIZE must be a size such as 1048576, 512K or 4M, but is 'lots'")


def test_size_words() -> None:
    assert [size_words(n) for n in (900, 1536, 1048576, 209715200)] == ["900 bytes", "1.5 KiB", "1 MiB", "200 MiB"]
