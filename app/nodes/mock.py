"""USE_MOCK=true: provider nodes return fake outputs after a delay; every node honours the test knobs.

A runtime mode for demos, the reference's integration suite and benchmarks: `sleepDuration`
(seconds) replaces the random delay, `raiseError: true` makes any node fail.
"""

from __future__ import annotations

import io
import json
import logging
import math
import random
import struct
import wave
import zlib
from functools import cache, lru_cache
from typing import Any

from app import concurrency
from app.errors import UserError
from app.nodes.base import NodeContext, Processor
from app.settings import RESOURCES_DIR

log = logging.getLogger(__name__)

SAMPLE_IMAGE_URL = "https://ai-flow-public-assets.s3.eu-west-3.amazonaws.com/v0.4.0-sample-1.png"
SAMPLE_VIDEO = RESOURCES_DIR / "media" / "sample.webm"


class MockProcessor(Processor):
    """Stands in for a provider node (or any node with `raiseError`) in mock mode."""

    processor_type = "__mock__"

    def __init__(self, ctx: NodeContext, real: type[Processor]) -> None:
        super().__init__(ctx)
        self.real = real

    def process(self) -> Any:
        if self.node.get("raiseError"):
            log.info("mock node %s raises as asked", self.name)
            raise UserError("Mock Processor error")
        settings = self.ctx.settings
        sleep_for = _sleep_duration(self.node)
        if sleep_for is None:
            sleep_for = random.uniform(settings.mock_delay_min, max(settings.mock_delay_min, settings.mock_delay_max))
        concurrency.wait_precisely(self.ctx.cancelled, sleep_for)
        return self._fake_output()

    def _fake_output(self) -> Any:
        """The node's mock output; media nodes get a real file in our storage, viewable offline."""
        output = self.real.mock_output
        output_type = (self.node.config or {}).get("outputType") or _static_output_type(self.real)
        media = {"imageUrl": (sample_png, "png"), "audioUrl": (sample_wav, "wav"), "videoUrl": (sample_webm, "webm"),
                 "3dUrl": (sample_glb, "glb")}.get(output_type or "")
        if media is None or self.ctx.storage is None:
            return output
        make, extension = media
        url = self.save_file(make(), extension)
        return [url] if isinstance(output, list) else url


class SleepingProcessor(Processor):
    """A real node that first waits `sleepDuration` seconds (mock mode only)."""

    processor_type = "__sleeping__"

    def __init__(self, ctx: NodeContext, inner: Processor, seconds: float) -> None:
        super().__init__(ctx)
        self.inner = inner
        self.seconds = seconds

    def process(self) -> Any:
        concurrency.wait_precisely(self.ctx.cancelled, self.seconds)
        return self.inner.process()

    def cancel(self) -> None:
        self.inner.cancel()


@lru_cache(maxsize=1)
def sample_png(size: int = 128) -> bytes:
    """A small gradient PNG (no imaging library needed)."""
    rows = b"".join(
        b"\x00" + bytes(channel for x in range(size) for channel in (x, y, 255 - (x + y) // 2))
        for y in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@lru_cache(maxsize=1)
def sample_wav(seconds: float = 1.0, rate: int = 16000) -> bytes:
    """A one-second soft 440 Hz tone."""
    frames = b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / rate)))
                      for i in range(int(seconds * rate)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


@lru_cache(maxsize=1)
def sample_webm() -> bytes:
    """A two-second 160×90 VP8 WebM (resources/media/sample.webm, made for this project)."""
    return SAMPLE_VIDEO.read_bytes()


@lru_cache(maxsize=1)
def sample_glb() -> bytes:
    """A binary glTF 2.0 model: a coloured tetrahedron (positions, per-vertex colours, indices)."""
    points = [(0.0, 1.0, 0.0), (-0.9, -0.5, 0.5), (0.9, -0.5, 0.5), (0.0, -0.5, -1.0)]
    colours = [(1.0, 0.6, 0.1, 1.0), (0.2, 0.6, 1.0, 1.0), (0.4, 0.9, 0.4, 1.0), (0.9, 0.3, 0.7, 1.0)]
    faces = [0, 1, 2, 0, 2, 3, 0, 3, 1, 1, 3, 2]
    positions = b"".join(struct.pack("<3f", *p) for p in points)
    rgba = b"".join(struct.pack("<4f", *c) for c in colours)
    indices = struct.pack(f"<{len(faces)}H", *faces)
    indices += b"\0" * (-len(indices) % 4)
    binary = positions + rgba + indices
    views = [(0, len(positions)), (len(positions), len(rgba)), (len(positions) + len(rgba), len(faces) * 2)]
    document = {
        "asset": {"version": "2.0", "generator": "ai-flow mock mode"},
        "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "COLOR_0": 1}, "indices": 2}]}],
        "buffers": [{"byteLength": len(binary)}],
        "bufferViews": [{"buffer": 0, "byteOffset": offset, "byteLength": length} for offset, length in views],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3",
             "min": [-0.9, -0.5, -1.0], "max": [0.9, 1.0, 0.5]},
            {"bufferView": 1, "componentType": 5126, "count": 4, "type": "VEC4"},
            {"bufferView": 2, "componentType": 5123, "count": len(faces), "type": "SCALAR"},
        ],
    }
    text = json.dumps(document, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 4)
    body = struct.pack("<I4s", len(text), b"JSON") + text + struct.pack("<I4s", len(binary), b"BIN\0") + binary
    return struct.pack("<4sII", b"glTF", 2, 12 + len(body)) + body


@cache
def _static_output_type(cls: type[Processor]) -> str | None:
    """The output type of a node type's static form, built once per type."""
    static = cls.node_config()
    return static.outputType if static is not None else None


def _sleep_duration(node: Any) -> float | None:
    value = node.get("sleepDuration")
    try:
        return max(0.0, float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def runs_as_is(cls: type[Processor], node: Any) -> bool:
    """Whether mock mode runs this node's own processor, unwrapped (no fake, no added sleep)."""
    return not (node.get("raiseError") or cls.is_mocked(node) or _sleep_duration(node))


def create(cls: type[Processor], ctx: NodeContext) -> Processor:
    """The processor to run for this node in mock mode."""
    node = ctx.node
    if node.get("raiseError") or cls.is_mocked(node):
        return MockProcessor(ctx, cls)
    processor = cls(ctx)
    seconds = _sleep_duration(node)
    return SleepingProcessor(ctx, processor, seconds) if seconds else processor
