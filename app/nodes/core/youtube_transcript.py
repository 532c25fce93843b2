"""youtube_transcript_input: the transcript of a YouTube video, in the chosen language (translated if needed)."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import HTTPAdapter
from youtube_transcript_api import YouTubeTranscriptApi
from youtube_transcript_api._errors import (
    AgeRestricted,
    CouldNotRetrieveTranscript,
    InvalidVideoId,
    NoTranscriptFound,
    NotTranslatable,
    RequestBlocked,
    TranscriptsDisabled,
    TranslationLanguageNotAvailable,
    VideoUnavailable,
    VideoUnplayable,
    YouTubeRequestFailed,
)

from app.errors import UserError
from app.nodes.base import Processor
from app.nodes.config import Field, NodeConfig, select
from app.settings import Settings

log = logging.getLogger(__name__)

LANGUAGES = [("en", "English"), ("fr", "French"), ("es", "Spanish"), ("de", "German"), ("it", "Italian"),
             ("zh", "Chinese"), ("hi", "Hindi"), ("ar", "Arabic"), ("ja", "Japanese"), ("pt", "Portuguese"),
             ("ru", "Russian"), ("ko", "Korean")]
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com",
                 "www.youtube-nocookie.com"}
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_ID_PATH_PREFIXES = ("shorts", "embed", "live", "v", "e")
#: Attempts for transient failures (YouTube or the network did not answer); other errors are not retried.
ATTEMPTS = 2


class YoutubeTranscriptProcessor(Processor):
    processor_type = "youtube_transcript_input"
    input_field = "url"
    #: A third-party service: faked in mock mode, like the reference.
    provider = "YouTube"

    @classmethod
    def node_config(cls) -> NodeConfig:
        return NodeConfig(
            nodeName="YoutubeTranscriptNodeName", icon="YoutubeLogo", section="input", outputType="text",
            helpMessage="youtubeTranscriptHelp", defaultHideOutput=True, showHandlesNames=True,
            fields=[
                Field(name="url", type="input", required=True, hasHandle=True, placeholder="URLPlaceholder"),
                select("language", list(LANGUAGES), default="en", label=None),
            ],
        )

    def process(self) -> Any:
        url = (self.text_input("url") or "").strip()
        if not url:
            raise UserError("No URL provided")
        video_id = video_id_of(url)
        language = (self.text_input("language", "en") or "en").strip() or "en"
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", language):
            raise UserError(f"Unknown language code '{language}'.")
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._transcript(url, video_id, language)
            except (YouTubeRequestFailed, requests.RequestException) as exc:
                log.warning("YouTube transcript attempt %d/%d for %s failed: %s", attempt, ATTEMPTS, video_id,
                            type(exc).__name__)
                if attempt == ATTEMPTS or self.ctx.cancelled.wait(0.5):
                    raise UserError(f"Failed to retrieve transcript for {url}: YouTube did not answer "
                                    "properly; try again later.") from None
        raise AssertionError("unreachable")

    def _transcript(self, url: str, video_id: str, language: str) -> str:
        api = YouTubeTranscriptApi(http_client=youtube_session(self.ctx.settings))
        try:
            transcripts = api.list(video_id)
            try:
                transcript = transcripts.find_transcript([language])
            except NoTranscriptFound:
                transcript = _translated(transcripts, language)
                if transcript is None:
                    available = ", ".join(sorted({t.language_code for t in transcripts})) or "none"
                    raise UserError(f"No transcription found for {url} in language '{language}' "
                                    f"(available: {available}).") from None
            snippets = transcript.fetch()
        except (TranscriptsDisabled, NoTranscriptFound, NotTranslatable, TranslationLanguageNotAvailable):
            raise UserError(f"No transcription found for {url}") from None
        except (VideoUnavailable, InvalidVideoId):
            raise UserError(f"Video is unavailable for {url}") from None
        except AgeRestricted:
            raise UserError(f"The video {url} is age-restricted; its transcript cannot be read.") from None
        except VideoUnplayable as exc:
            reason = exc.reason or "no reason given"
            raise UserError(f"The video {url} cannot be played ({reason}).") from None
        except RequestBlocked:
            raise UserError("YouTube is blocking requests from this server's address; "
                            "try again later or from another network.") from None
        except YouTubeRequestFailed:
            raise
        except CouldNotRetrieveTranscript as exc:
            log.warning("YouTube transcript for %s failed: %s", video_id, type(exc).__name__)
            raise UserError(f"Failed to retrieve transcript for {url}\n\nRequested Language: {language}") from None
        text = " ".join(s.text.strip() for s in snippets if s.text and s.text.strip())
        if not text:
            raise UserError(f"No transcription found for {url}")
        return text


def _translated(transcripts: Any, language: str) -> Any:
    """The first transcript that YouTube can translate into `language`, translated; None if there is none."""
    for transcript in transcripts:
        if transcript.is_translatable and any(t.language_code == language
                                              for t in transcript.translation_languages):
            return transcript.translate(language)
    return None


def video_id_of(url: str) -> str:
    """The video id of a watch?v=, youtu.be/, shorts/, embed/ or live/ URL (or of a bare id)."""
    text = url.strip()
    if _VIDEO_ID.fullmatch(text):
        return text
    candidate = ""
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        host = (parts.hostname or "").lower()
    except ValueError:
        host, parts = "", None
    if parts is not None and host == "youtu.be":
        candidate = parts.path.strip("/").split("/")[0]
    elif parts is not None and host in YOUTUBE_HOSTS:
        segments = [s for s in parts.path.split("/") if s]
        if segments[:1] == ["watch"]:
            candidate = (parse_qs(parts.query).get("v") or [""])[0]
        elif len(segments) >= 2 and segments[0] in _ID_PATH_PREFIXES:
            candidate = segments[1]
    if not _VIDEO_ID.fullmatch(candidate):
        raise UserError(f"Invalid YouTube URL {url}: expected a link such as https://www.youtube.com/watch?v=<id> "
                        "or https://youtu.be/<id>.")
    return candidate


class _YouTubeAdapter(HTTPAdapter):
    """Applies a timeout to every request and, when a base URL is configured, sends youtube.com there."""

    def __init__(self, timeout: float, base_url: str | None) -> None:
        super().__init__()
        self.timeout = timeout
        self.base_url = base_url.rstrip("/") if base_url else None

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        if self.base_url and request.url:
            parts = urlsplit(request.url)
            if (parts.hostname or "").lower() in YOUTUBE_HOSTS:
                request.url = self.base_url + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, **kwargs)


def youtube_session(settings: Settings) -> requests.Session:
    """The HTTP session the transcript library uses: timeouts always, YOUTUBE_BASE_URL when set."""
    session = requests.Session()
    adapter = _YouTubeAdapter(settings.fetch_timeout_s, settings.youtube_base_url)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
