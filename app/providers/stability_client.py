"""StabilityAI REST calls: base URL, timeout, concurrency slot, safe retries and plain-words errors."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import requests

from app.errors import UserError
from app.providers.common import Waiting, provider_error, provider_slot
from app.settings import Settings

log = logging.getLogger(__name__)

PROVIDER = "StabilityAI"
DEFAULT_BASE_URL = "https://api.stability.ai"
_BACKOFF_START_S = 0.5
_BACKOFF_MAX_S = 8.0
# A POST is retried only when the provider said it did no work: 429 (rate limited before processing)
# and 503 (not accepting requests). Any other 5xx, or a read timeout, may come after the generation
# was made and billed, so retrying could pay twice. GETs (result polling) are idempotent: they are also
# retried on the other 5xx answers and on network errors.
_POST_RETRY_STATUSES = frozenset({429, 503})
_GET_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: One session (connection pool; urllib3 sets TCP_NODELAY) for every caller: keys go in each request's headers.
_session = requests.Session()


def base_url(settings: Settings) -> str:
    """STABILITYAI_BASE_URL, else the reference's STABLE_DIFFUSION_STABILITYAI_API_HOST, else the public API."""
    url = settings.stabilityai_base_url or settings.stable_diffusion_stabilityai_api_host or DEFAULT_BASE_URL
    return url.rstrip("/")


@dataclass
class StabilityResponse:
    status: int
    headers: dict[str, str]
    content: bytes
    content_type: str = field(default="")

    def json(self) -> Any:
        try:
            return json.loads(self.content or b"null")
        except ValueError:
            raise UserError(f"{PROVIDER} sent an answer that is not valid JSON.", status=502) from None


def error_detail(content: bytes) -> str | None:
    """The human part of a StabilityAI error body ({name, errors: [...]}, {message} or plain text)."""
    try:
        body = json.loads(content or b"null")
    except ValueError:
        text = content.decode("utf-8", errors="replace").strip()
        return text[:300] or None
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            return "; ".join(str(item) for item in errors)
        for key in ("message", "name"):
            if isinstance(body.get(key), str):
                return body[key]
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"]
    return None


class StabilityClient:
    """One caller's view of the StabilityAI API (its key, the run's cancel signal for waits)."""

    def __init__(self, settings: Settings, api_key: str, cancelled: Any = None,
                 session: requests.Session | None = None, waiting: Waiting | None = None) -> None:
        self.settings = settings
        self.base_url = base_url(settings)
        self._api_key = api_key
        self._cancelled = cancelled
        self._session = session or _session
        self._waiting = waiting

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def post(self, path: str, *, accept: str | None = None, json_body: Any = None,
             data: dict[str, str] | None = None, files: Any = None) -> StabilityResponse:
        return self._request("POST", path, accept, _POST_RETRY_STATUSES, retry_network=False,
                             json=json_body, data=data, files=files)

    def get(self, path: str, *, accept: str | None = None, ok_statuses: tuple[int, ...] = ()) -> StabilityResponse:
        return self._request("GET", path, accept, _GET_RETRY_STATUSES, retry_network=True,
                             ok_statuses=ok_statuses)

    # ---- internals -------------------------------------------------------------------------
    def _headers(self, accept: str | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self._api_key}"}
        if accept:
            headers["Accept"] = accept
        return headers

    def _request(self, method: str, path: str, accept: str | None, retry_statuses: frozenset[int], *,
                 retry_network: bool, ok_statuses: tuple[int, ...] = (), **kwargs: Any) -> StabilityResponse:
        attempts = self.settings.provider_max_retries + 1
        timeout = (min(10.0, self.settings.provider_timeout_s), self.settings.provider_timeout_s)
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                with provider_slot(self.settings, PROVIDER, self._api_key, self._waiting):
                    response = self._session.request(method, self.url(path), headers=self._headers(accept),
                                                     timeout=timeout, **kwargs)
                    content = response.content
            except requests.ConnectTimeout:
                # Nothing reached the provider: safe to retry even a POST.
                if last:
                    raise provider_error(PROVIDER, None) from None
            except requests.ConnectionError:
                if last or not retry_network:
                    raise provider_error(PROVIDER, None) from None
            except requests.Timeout:
                if last or not retry_network:
                    raise provider_error(PROVIDER, 408, f"no answer within {self.settings.provider_timeout_s:g} s "
                                                        "(PROVIDER_TIMEOUT_S)") from None
            except requests.RequestException:  # the answer broke off while being read
                if last or not retry_network:
                    raise provider_error(PROVIDER, None) from None
            else:
                status = response.status_code
                if 200 <= status < 300 or status in ok_statuses:
                    headers = {k.lower(): v for k, v in response.headers.items()}
                    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
                    return StabilityResponse(status, headers, content, content_type)
                if last or status not in retry_statuses:
                    raise provider_error(PROVIDER, status, error_detail(content))
                log.info("StabilityAI answered %s to %s %s; retry %d/%d", status, method, path, attempt,
                         attempts - 1)
                self._wait(self._delay(attempt, response.headers.get("retry-after")))
                continue
            self._wait(self._delay(attempt, None))
        raise AssertionError("unreachable")

    @staticmethod
    def _delay(attempt: int, retry_after: str | None) -> float:
        delay = min(_BACKOFF_MAX_S, _BACKOFF_START_S * 2 ** (attempt - 1))
        if retry_after:
            try:
                delay = min(_BACKOFF_MAX_S, max(0.0, float(retry_after)))
            except ValueError:
                pass
        return delay

    def _wait(self, seconds: float) -> None:
        if self._cancelled is not None:
            if self._cancelled.wait(seconds):
                raise UserError("The run was cancelled.")
        else:
            from app import concurrency

            concurrency.sleep(seconds)
