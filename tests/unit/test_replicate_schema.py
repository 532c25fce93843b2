"""Replicate helpers without a server: schema-driven input conversion, output shaping, key rule, caches."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from app.errors import UserError
from app.nodes.core.replicate import _failure_message
from app.providers import replicate_client as rc
from app.providers.replicate_schema import (
    build_input,
    coerce,
    decode_data_uri,
    extension_for,
    shape_output,
)
from app.settings import Settings
from app.testing.fakes.replicate_api import PINNED_SCHEMA, TEXT_SCHEMA


def settings(**values: Any) -> Settings:
    return Settings(**values)


def values(mapping: dict[str, Any]) -> Any:
    return lambda name, default=None: mapping.get(name, default)


def test_build_input_resolves_enum_refs_and_skips_unset_fields() -> None:
    result = build_input(PINNED_SCHEMA, values({"prompt": "p", "num_outputs": "3", "aspect_ratio": "9:16",
                                                "seed": "", "unknown": "dropped", "x": 1}))
    assert result == {"prompt": "p", "num_outputs": 3, "aspect_ratio": "9:16"}


def test_build_input_requires_required_fields() -> None:
    with pytest.raises(UserError, match="'prompt' is required"):
        build_input(PINNED_SCHEMA, values({"num_outputs": 1}))


def test_build_input_converts_uri_fields_with_the_given_function() -> None:
    result = build_input(PINNED_SCHEMA, values({"prompt": "p", "image": "http://localhost/image/a.png"}),
                         lambda url: "converted:" + url)
    assert result["image"] == "converted:http://localhost/image/a.png"


@pytest.mark.parametrize("prop, value, expected", [
    ({"type": "integer"}, "12", 12),
    ({"type": "integer"}, 12.0, 12),
    ({"type": "integer"}, ["7"], 7),
    ({"type": "number"}, "2.5", 2.5),
    ({"type": "boolean"}, "true", True),
    ({"type": "boolean"}, "off", False),
    ({"type": "boolean"}, 1, True),
    ({"type": "string"}, ["a", "b"], "a\nb"),
    ({"type": "string"}, {"k": 1}, '{"k": 1}'),
    ({"type": "array", "items": {"type": "string"}}, "one", ["one"]),
    ({"type": "array", "items": {"type": "integer"}}, '["1", 2]', [1, 2]),
    ({"type": "object"}, '{"a": 1}', {"a": 1}),
    ({"enum": [1, 2, 4]}, 4, 4),
    ({"type": "string", "enum": ["a", "b"]}, "b", "b"),
])
def test_coerce(prop: dict[str, Any], value: Any, expected: Any) -> None:
    assert coerce("f", value, prop, {}) == expected


@pytest.mark.parametrize("prop, value, message", [
    ({"type": "integer"}, "12.5", "whole number"),
    ({"type": "integer"}, "abc", "whole number"),
    ({"type": "number"}, "nan", "expects a number"),
    ({"type": "boolean"}, "perhaps", "true or false"),
    ({"type": "object"}, "[1]", "JSON object"),
    ({"type": "integer", "enum": [1, 2]}, "3", "one of: 1, 2"),
    ({"type": "number", "minimum": 0, "maximum": 1}, "1.5", "between 0 and 1"),
    ({"type": "integer", "minimum": 1}, "0", "at least 1"),
])
def test_coerce_rejects_with_the_field_name(prop: dict[str, Any], value: Any, message: str) -> None:
    with pytest.raises(UserError, match=message) as info:
        coerce("field_x", value, prop, {})
    assert "field_x" in info.value.message


def test_shape_output() -> None:
    assert shape_output(["a", "b"], TEXT_SCHEMA) == ("ab", False)
    assert shape_output(["http://x/1.png"], PINNED_SCHEMA) == (["http://x/1.png"], True)
    assert shape_output("http://x/1.png", PINNED_SCHEMA) == (["http://x/1.png"], True)
    string_uri = {"components": {"schemas": {"Output": {"type": "string", "format": "uri"}}}}
    assert shape_output("http://x/v.mp4", string_uri) == ("http://x/v.mp4", True)
    obj = {"components": {"schemas": {"Output": {"type": "object"}}}}
    assert shape_output({"a": 1}, obj) == ([{"a": 1}], False)
    assert shape_output(None, obj) == ("", False)
    assert shape_output("plain", {}) == ("plain", False)


def test_file_extension_and_data_uri() -> None:
    assert extension_for("https://replicate.delivery/x/out-0.webp?sig=1", "image/webp") == "webp"
    assert extension_for("https://replicate.delivery/x/output", "video/mp4") == "mp4"
    assert extension_for("https://replicate.delivery/x/output", None) == "bin"
    payload = base64.b64encode(b"\x89PNGdata").decode()
    assert decode_data_uri(f"data:image/png;base64,{payload}") == (b"\x89PNGdata", "image/png")


def test_api_root_accepts_the_v1_suffix_or_not() -> None:
    assert rc.api_root(settings()) == "https://api.replicate.com"
    assert rc.api_root(settings(REPLICATE_BASE_URL="http://fake/replicate/v1/")) == "http://fake/replicate"
    assert rc.api_root(settings(REPLICATE_BASE_URL="http://fake/replicate")) == "http://fake/replicate"


def test_catalogue_key_rule() -> None:
    assert rc.catalogue_key(settings(REPLICATE_API_KEY="env"), "  header ") == "header"
    assert rc.catalogue_key(settings(REPLICATE_API_KEY="env"), None) == "env"
    with pytest.raises(UserError) as info:
        rc.catalogue_key(settings(), "")
    assert info.value.status == 401 and "REPLICATE_API_KEY" in info.value.message


def test_cache_keeps_answers_not_errors() -> None:
    calls: list[int] = []

    def failing() -> Any:
        calls.append(1)
        raise UserError("boom")

    key = ("unit-test", rc.key_fingerprint("k"))
    for _ in range(2):
        with pytest.raises(UserError):
            rc.cached("collections", key, failing)
    assert len(calls) == 2
    assert rc.cached("collections", key, lambda: {"ok": 1}) == {"ok": 1}
    assert rc.cached("collections", key, failing) == {"ok": 1}
    assert rc.key_fingerprint("r8_secret") != rc.key_fingerprint("r8_other")
    assert "r8_secret" not in rc.key_fingerprint("r8_secret")


def test_failure_messages_link_the_examples() -> None:
    failed = _failure_message("acme/m", "failed", "boom")
    assert "status: failed" in failed and "boom" in failed and "https://replicate.com/acme/m/examples" in failed
    canceled = _failure_message("acme/m", "canceled", None)
    assert "cancelled on Replicate" in canceled and "https://replicate.com/acme/m/examples" in canceled
