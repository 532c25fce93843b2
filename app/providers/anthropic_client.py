"""Anthropic SDK client: base URL, timeout and retries from the settings; SDK errors in plain words."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import anthropic

from app.errors import UserError
from app.providers.common import (TRANSPORT_ERRORS, body_message, connection_lost, provider_error,
                                  provider_slot, stream_error)
from app.settings import Settings

PROVIDER = "Anthropic"


def make_client(settings: Settings, api_key: str) -> anthropic.Anthropic:
    """A client with the configured base URL (ANTHROPIC_BASE_URL), timeout and retries (429, 5xx)."""
    return anthropic.Anthropic(api_key=api_key, base_url=settings.anthropic_base_url or None,
                               timeout=settings.provider_timeout_s, max_retries=settings.provider_max_retries)


@contextmanager
def anthropic_errors(settings: Settings) -> Iterator[None]:
    """Hold an Anthropic slot and turn SDK exceptions into a plain-words UserError."""
    with provider_slot(PROVIDER, settings.provider_concurrency):
        try:
            yield
        except UserError:
            raise
        except anthropic.APIStatusError as exc:
            if exc.status_code < 400:  # an `error` event inside a stream that had started fine
                raise stream_error(PROVIDER, body_message(exc.body, exc.message)) from None
            raise provider_error(PROVIDER, exc.status_code, body_message(exc.body, exc.message)) from None
        except anthropic.APITimeoutError:
            raise provider_error(PROVIDER, 408, f"no answer within {settings.provider_timeout_s:g} s "
                                                "(PROVIDER_TIMEOUT_S)") from None
        except anthropic.APIConnectionError:
            raise provider_error(PROVIDER, None) from None
        except anthropic.APIError as exc:
            raise stream_error(PROVIDER, exc.message) from None
        except TRANSPORT_ERRORS:  # the transport failed outside the SDK's own wrapping (mid-stream)
            raise connection_lost(PROVIDER) from None
