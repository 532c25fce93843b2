"""The pure parts of the media nodes: OpenAPI conversion, text chunking, MP3 joining, sizes, form values."""

from __future__ import annotations

import pytest

from app.errors import UserError
from app.nodes import stability_openapi as openapi
from app.nodes.config import NodeConfig, NodeConfigVariant
from app.nodes.core.stable_diffusion_legacy import parse_size
from app.nodes.extension.openai_tts import join_mp3, split_text, strip_id3
from app.nodes.extension.stability_generic import extension_for, form_value
from app.providers.stability_client import error_detail


# ---- OpenAPI conversion ---------------------------------------------------------------------------
def test_number_without_maximum_becomes_a_number_input() -> None:
    field = openapi.convert_property("strength", {"type": "number", "minimum": 0}, False)
    assert field.type == "numericfield" and field.hasHandle and field.allowDecimal and field.max is None


def test_bounded_number_is_a_slider_and_large_bound_a_number_input() -> None:
    assert openapi.convert_property("cfg", {"type": "number", "minimum": 0, "maximum": 10}, False).type == "slider"
    assert openapi.convert_property("seed", {"type": "number", "minimum": 0, "maximum": 4294967294},
                                    False).type == "numericfield"


def test_integer_is_a_number_input_with_handle() -> None:
    field = openapi.convert_property("left", {"type": "integer", "minimum": 0, "maximum": 20, "default": 3}, True)
    assert (field.type, field.hasHandle, field.allowDecimal, field.step) == ("numericfield", True, False, 1)
    assert field.required is True and field.defaultValue == 3


def test_boolean_is_a_boolean_field() -> None:
    field = openapi.convert_property("flag", {"type": "boolean", "default": True, "description": "d"}, False)
    assert (field.type, field.defaultValue, field.description) == ("boolean", True, "d")


def test_binary_string_is_a_file_even_without_example() -> None:
    field = openapi.convert_property("image", {"type": "string", "format": "binary"}, True)
    assert field.type == "fileUpload" and field.isBinary and field.hasHandle


def test_enum_marks_the_default_option() -> None:
    field = openapi.convert_property("fmt", {"type": "string", "enum": ["png", "jpeg"], "default": "jpeg"}, False)
    assert [(o.value, o.default) for o in field.options or []] == [("png", False), ("jpeg", True)]


def test_resolve_merges_all_of_and_follows_refs() -> None:
    doc = {"components": {"schemas": {
        "Base": {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
        "Num": {"type": "number", "minimum": 0, "maximum": 5},
    }}}
    schema = {"allOf": [{"$ref": "#/components/schemas/Base"},
                        {"type": "object", "properties": {"b": {"allOf": [{"$ref": "#/components/schemas/Num"},
                                                                          {"maximum": 2}]}},
                         "required": ["b"]}]}
    resolved = openapi.resolve(schema, doc)
    assert resolved["required"] == ["a", "b"]
    assert resolved["properties"]["b"]["maximum"] == 2 and resolved["properties"]["b"]["type"] == "number"


def test_one_of_with_discriminator_gives_a_variant() -> None:
    doc = {"components": {"schemas": {
        "Search": {"type": "object", "properties": {"mode": {"type": "string", "enum": ["search"]},
                                                    "search_prompt": {"type": "string"}}},
        "Mask": {"type": "object", "properties": {"mode": {"type": "string", "enum": ["mask"]},
                                                  "mask": {"type": "string", "format": "binary"}}},
    }}}
    schema = openapi.resolve({"type": "object", "properties": {"prompt": {"type": "string"}}, "required": ["prompt"],
                              "oneOf": [{"$ref": "#/components/schemas/Search"}, {"$ref": "#/components/schemas/Mask"}],
                              "discriminator": {"propertyName": "mode",
                                                "mapping": {"search": "#/components/schemas/Search"}}}, doc)
    config = openapi.config_for_schema("X", schema, "imageUrl")
    assert isinstance(config, NodeConfigVariant) and config.discriminatorFields == ["mode"]
    assert [s.discriminators for s in config.subConfigurations] == [{"mode": "search"}, {"mode": "mask"}]
    mask_fields = openapi.fields_for_values(config, {"mode": "mask"})
    assert [f.name for f in mask_fields] == ["prompt", "mode", "mask"] and mask_fields[2].isBinary


def test_document_paths_labels_and_output_types() -> None:
    options = openapi.path_options()
    assert len(options) == 19 and options[0].value == "/v2beta/3d/stable-fast-3d" and options[0].default
    assert openapi.path_label("/v2beta/image-to-video") == "Image-to-video"
    assert openapi.path_label("/v2beta/stable-image/edit/erase") == "Edit - Erase"
    assert openapi.path_info("/v2beta/3d/stable-point-aware-3d").output_type == "3dUrl"
    relight = openapi.path_info("/v2beta/stable-image/edit/replace-background-and-relight")
    assert relight.output_type == "imageUrl" and relight.poll_path == "/v2beta/results/{id}"
    assert not openapi.path_info("/v2beta/stable-image/generate/core").asynchronous
    with pytest.raises(UserError):
        openapi.path_info("/v2beta/results/{id}")


def test_document_is_loaded_from_the_package_not_the_working_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert isinstance(openapi.node_config_for("/v2beta/stable-image/generate/ultra"), NodeConfig)
    assert openapi.document() is openapi.document()  # parsed once


# ---- text-to-speech helpers -----------------------------------------------------------------------
def test_split_text_packs_sentences_and_cuts_long_ones() -> None:
    text = "A" * 5000 + ". Short one! Another? " + "B. " * 10
    chunks = split_text(text, 4096)
    assert all(len(c) <= 4096 for c in chunks)
    assert chunks[0] == "A" * 4096
    assert chunks[1].startswith("A" * 904 + ". Short one! Another?")
    assert "".join(chunks).replace(" ", "") == text.replace(" ", "")  # nothing lost, order kept


def test_split_text_single_chunk() -> None:
    assert split_text("Hello world.") == ["Hello world."]


def test_strip_id3_and_join() -> None:
    tag = b"ID3\x04\x00\x00\x00\x00\x00\x03abc"
    assert strip_id3(tag + b"\xff\xfbDATA") == b"\xff\xfbDATA"
    assert strip_id3(b"\xff\xfbDATA") == b"\xff\xfbDATA"
    assert join_mp3([tag + b"1", tag + b"2", b"3"]) == tag + b"123"


# ---- misc ---------------------------------------------------------------------------------------------
def test_parse_size_is_width_by_height() -> None:
    assert parse_size("1344x768") == (1344, 768)
    with pytest.raises(UserError, match="Invalid size"):
        parse_size("big")


def test_form_values_and_extensions() -> None:
    assert [form_value(v) for v in (5.0, 0.5, True, 3, "x", [1])] == ["5", "0.5", "true", "3", "x", "[1]"]
    assert extension_for("model/gltf-binary") == "glb"
    assert extension_for("image/png", "webp") == "webp"
    assert extension_for("video/mp4") == "mp4"


def test_error_detail_shapes() -> None:
    assert error_detail(b'{"name": "bad", "errors": ["a", "b"]}') == "a; b"
    assert error_detail(b'{"message": "m"}') == "m"
    assert error_detail(b"plain text") == "plain text"
    assert error_detail(b"") is None
