"""Mock mode's sample media are valid files: a binary glTF whose chunks and accessors agree, a WebM."""

from __future__ import annotations

import json
import struct

from app.nodes.mock import sample_glb, sample_webm


def test_sample_glb_is_a_consistent_gltf_binary() -> None:
    data = sample_glb()
    magic, version, length = struct.unpack_from("<4sII", data)
    assert (magic, version, length) == (b"glTF", 2, len(data))
    json_length, json_kind = struct.unpack_from("<I4s", data, 12)
    assert json_kind == b"JSON" and json_length % 4 == 0
    document = json.loads(data[20:20 + json_length])
    bin_length, bin_kind = struct.unpack_from("<I4s", data, 20 + json_length)
    assert bin_kind == b"BIN\0" and bin_length % 4 == 0 and 28 + json_length + bin_length == len(data)
    assert document["buffers"][0]["byteLength"] == bin_length
    sizes = {"VEC3": 12, "VEC4": 16, "SCALAR": 2}
    for accessor in document["accessors"]:
        view = document["bufferViews"][accessor["bufferView"]]
        assert view["byteOffset"] + view["byteLength"] <= bin_length
        assert accessor["count"] * sizes[accessor["type"]] == view["byteLength"]


def test_sample_webm_is_a_webm_file() -> None:
    assert sample_webm()[:4] == b"\x1a\x45\xdf\xa3"  # EBML header
