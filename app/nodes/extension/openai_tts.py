"""openai-text-to-speech-processor: OpenAI speech synthesis of any length, saved as one MP3."""

from __future__ import annotations

import re
from typing import Any

from app import concurrency
from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig, select, when
from app.providers.openai_client import make_client, openai_errors

MODELS = ["gpt-4o-mini-tts", "tts-1", "tts-1-hd"]
VOICES = ["alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer"]
INSTRUCTION_MODEL = "gpt-4o-mini-tts"
MAX_CHUNK_CHARS = 4096
PARALLEL_CHUNKS = 2
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def split_text(text: str, limit: int = MAX_CHUNK_CHARS) -> list[str]:
    """Chunks of at most `limit` characters made of whole sentences (over-long sentences are cut)."""
    chunks: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text.strip()):
        if not sentence:
            continue
        pieces = [sentence[i:i + limit] for i in range(0, len(sentence), limit)]
        for piece in pieces:
            candidate = f"{current} {piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def strip_id3(data: bytes) -> bytes:
    """MP3 bytes without a leading ID3v2 tag (so concatenated chunks hold only one, at the start)."""
    if len(data) >= 10 and data[:3] == b"ID3":
        size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
        footer = 10 if data[5] & 0x10 else 0
        return data[10 + size + footer:]
    return data


def join_mp3(parts: list[bytes]) -> bytes:
    """MP3 streams concatenate frame-wise; later parts lose their ID3 header."""
    return b"".join(part if index == 0 else strip_id3(part) for index, part in enumerate(parts))


class OpenAITextToSpeechProcessor(Processor):
    processor_type = "openai-text-to-speech-processor"
    provider = "OpenAI"
    api_key_name = "openai_api_key"
    is_extension = True

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self._workers: list[Any] = []

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="TextToSpeech", icon="OpenAILogo", outputType="audioUrl", section="models",
            helpMessage="textToSpeechHelp", showHandlesNames=True,
            fields=[
                Field(name="text", type="textfield", label="text", required=True, hasHandle=True),
                select("model", MODELS, default="gpt-4o-mini-tts"),
                select("voice", VOICES, default="alloy"),
                Field(name="instruction", type="textfield", label="instruction", hasHandle=True,
                      placeholder="TTSInstructionPlaceholder", description="TTSInstructionDescription",
                      condition=when("model", "equals", INSTRUCTION_MODEL)),
            ],
        )

    def process(self) -> Any:
        text = self.text_input("text")
        if not text or not text.strip():
            raise UserError("Text-to-Speech needs a text to read.")
        model = self.node.get("model") or "gpt-4o-mini-tts"
        voice = self.node.get("voice") or "alloy"
        extra: dict[str, Any] = {}
        instruction = self.text_input("instruction")
        if model == INSTRUCTION_MODEL and instruction and instruction.strip():
            extra["instructions"] = instruction
        key = self.api_key()
        client = make_client(self.ctx.settings, key)
        chunks = split_text(text)

        def synthesise(chunk: str) -> bytes:
            with openai_errors(self.new_call("OpenAI", key)):
                return client.audio.speech.create(model=model, voice=voice, input=chunk, response_format="mp3",
                                                  **extra).read()

        audio = join_mp3(self._in_order(synthesise, chunks))
        return self.save_file(audio, "mp3", "audio/mpeg")

    def _in_order(self, work: Any, items: list[str]) -> list[bytes]:
        """work(item) for every item, at most PARALLEL_CHUNKS at once; results in the items' order."""
        if len(items) == 1:
            return [work(items[0])]
        results: list[Any] = [None] * len(items)
        errors: list[BaseException] = []
        pending = iter(range(len(items)))
        guard = concurrency.lock()

        def worker() -> None:
            while not errors and not self.cancelled:
                with guard:
                    index = next(pending, None)
                if index is None:
                    return
                try:
                    results[index] = work(items[index])
                except Exception as exc:  # the first failure is re-raised by process()
                    errors.append(exc)

        self._workers = [concurrency.spawn(worker) for _ in range(min(PARALLEL_CHUNKS, len(items)))]
        for task in self._workers:
            task.join()
        if errors:
            raise errors[0]
        if self.cancelled:
            raise UserError("The run was cancelled.")
        return results

    def cancel(self) -> None:
        for task in self._workers:
            task.kill()
