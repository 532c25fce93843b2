"""Token counts and context limits for OpenAI models, without any network access at run time.

tiktoken downloads its encoding files on first use; we only use an encoding whose file is already in
tiktoken's cache (TIKTOKEN_CACHE_DIR, DATA_GYM_CACHE_DIR or <tmp>/data-gym-cache). Otherwise counts
are estimated at about four characters per token. Counting never raises.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from typing import Any

log = logging.getLogger(__name__)

CHARS_PER_TOKEN = 4
#: Tokens added per message and per conversation by the chat format (OpenAI's documented overhead).
PER_MESSAGE_TOKENS = 3
PER_CONVERSATION_TOKENS = 3

_BLOB_URLS = {
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
}
_DEFAULT_ENCODING = "o200k_base"

_encodings: dict[str, Any] = {}  # name -> tiktoken Encoding, or None when not available offline
_lock = threading.Lock()

# Context windows (tokens). Exact names first, then prefixes (longest first); None: unknown.
_EXACT_LIMITS = {
    "gpt-4": 8_192, "gpt-4-0613": 8_192, "gpt-4-0314": 8_192,
    "gpt-4-turbo": 128_000, "gpt-4-turbo-preview": 128_000, "gpt-4-1106-preview": 128_000,
    "gpt-4-vision-preview": 128_000,
    "gpt-3.5-turbo": 16_385, "gpt-3.5-turbo-1106": 16_385, "gpt-3.5-turbo-16k": 16_385,
    "gpt-3.5-turbo-16k-0613": 16_385,
    "gpt-3.5-turbo-instruct": 4_097, "gpt-3.5-turbo-0613": 4_097, "gpt-3.5-turbo-0301": 4_097,
    "text-davinci-002": 4_097, "text-davinci-003": 4_097, "code-davinci-002": 8_001,
}
_PREFIX_LIMITS = (
    ("gpt-4.1", 1_047_576),
    ("gpt-4-32k", 32_768),
    ("gpt-4o", 128_000),
)


def context_limit(model: str) -> int | None:
    """The model's context window in tokens, or None when we do not know it (then nothing is checked)."""
    if model in _EXACT_LIMITS:
        return _EXACT_LIMITS[model]
    for prefix, limit in _PREFIX_LIMITS:
        if model.startswith(prefix):
            return limit
    if "gpt-4o" in model:
        return 128_000
    return None


def _cache_dir() -> str:
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        return os.environ["TIKTOKEN_CACHE_DIR"]
    if "DATA_GYM_CACHE_DIR" in os.environ:
        return os.environ["DATA_GYM_CACHE_DIR"]
    return os.path.join(tempfile.gettempdir(), "data-gym-cache")


def encoding_cached(name: str) -> bool:
    """Whether tiktoken can load this encoding from its local cache (no download)."""
    url = _BLOB_URLS.get(name)
    directory = _cache_dir()
    if url is None or not directory:
        return False
    return os.path.isfile(os.path.join(directory, hashlib.sha1(url.encode()).hexdigest()))


def _encoding_name(model: str) -> str:
    try:
        import tiktoken

        name = tiktoken.encoding_name_for_model(model)
    except Exception:
        name = _DEFAULT_ENCODING
    return name if name in _BLOB_URLS else _DEFAULT_ENCODING


def _encoding(model: str) -> Any:
    name = _encoding_name(model)
    with _lock:
        if name in _encodings:
            return _encodings[name]
        encoding = None
        if encoding_cached(name):
            try:
                import tiktoken

                encoding = tiktoken.get_encoding(name)
            except Exception:  # a broken cache file must not fail a node
                log.warning("tiktoken encoding %s could not be loaded; estimating token counts", name)
        _encodings[name] = encoding
        return encoding


def estimate(text: str) -> int:
    """About four characters per token (rounded up)."""
    return -(-len(text) // CHARS_PER_TOKEN)


def count(text: str, model: str = "gpt-4o") -> int:
    """Tokens of `text` for `model`: exact when the encoding is cached locally, else an estimate."""
    encoding = _encoding(model)
    if encoding is None:
        return estimate(text)
    try:
        return len(encoding.encode(text, disallowed_special=()))
    except Exception:
        return estimate(text)


def count_messages(contents: list[str], model: str = "gpt-4o") -> int:
    """Tokens of a conversation: each content plus the per-message and per-conversation overhead."""
    return sum(count(text, model) + PER_MESSAGE_TOKENS for text in contents) + PER_CONVERSATION_TOKENS


def surely_fits(contents: list[str], limit: int) -> bool:
    """Cheap upper bound: a token is at least one UTF-8 byte, so a short text cannot exceed the limit."""
    size = sum(len(text.encode("utf-8", errors="replace")) + PER_MESSAGE_TOKENS for text in contents)
    return size + PER_CONVERSATION_TOKENS <= limit
