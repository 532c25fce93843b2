"""Token counting without network: cached tiktoken encodings only, otherwise an estimate; context limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import tokens


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(tokens, "_encodings", {})
    return tmp_path


def test_without_a_cached_encoding_counts_are_estimated(empty_cache: Path) -> None:
    assert not tokens.encoding_cached("o200k_base")
    assert tokens.count("a" * 41, "gpt-4o") == 11
    assert tokens.count_messages(["abcd", "abcdefgh"], "gpt-4.1") == (1 + 3) + (2 + 3) + 3


def test_a_broken_cached_encoding_falls_back_to_the_estimate(empty_cache: Path, monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    import hashlib

    url = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"
    (empty_cache / hashlib.sha1(url.encode()).hexdigest()).write_bytes(b"not a bpe file")
    assert tokens.encoding_cached("o200k_base")
    import tiktoken

    def refuse(name: str) -> None:
        raise ValueError("corrupt")  # what a bad cache gives; never a download in this test

    monkeypatch.setattr(tiktoken, "get_encoding", refuse)
    assert tokens.count("abcdefgh", "gpt-4o") == 2


def test_context_limits() -> None:
    assert tokens.context_limit("gpt-4o-mini") == 128_000
    assert tokens.context_limit("gpt-4.1-nano") == 1_047_576
    assert tokens.context_limit("gpt-4") == 8_192
    assert tokens.context_limit("gpt-4-32k-0613") == 32_768
    assert tokens.context_limit("gpt-3.5-turbo") == 16_385
    assert tokens.context_limit("some-future-model") is None


def test_surely_fits_is_a_byte_bound() -> None:
    assert tokens.surely_fits(["x" * 100], 200)
    assert not tokens.surely_fits(["x" * 300], 200)
    assert not tokens.surely_fits(["é" * 100], 205)  # 200 bytes + overhead
