"""OpenAI SDK clients (OpenAI itself, and the OpenAI-compatible DeepSeek and OpenRouter APIs)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import openai

from app.errors import UserError
from app.providers.common import (TRANSPORT_ERRORS, body_message, connection_lost, provider_error,
                                  provider_slot, stream_error)
from app.settings import Settings

# provider name -> (settings attribute of the base URL, SDK default base URL, key parameter)
OPENAI_COMPATIBLE = {
    "OpenAI": ("openai_base_url", None, "openai_api_key"),
    "DeepSeek": ("deepseek_base_url", "https://api.deepseek.com", "deepseek_api_key"),
    "OpenRouter": ("openrouter_base_url", "https://openrouter.ai/api/v1", "openrouter_api_key"),
}


def make_client(settings: Settings, api_key: str, provider: str = "OpenAI") -> openai.OpenAI:
    """A client with the configured base URL, timeout and retry policy (retries: 429 and 5xx only)."""
    url_attr, default_url, _ = OPENAI_COMPATIBLE[provider]
    return openai.OpenAI(api_key=api_key, base_url=getattr(settings, url_attr) or default_url,
                         timeout=settings.provider_timeout_s, max_retries=settings.provider_max_retries)


@contextmanager
def openai_errors(settings: Settings, provider: str = "OpenAI") -> Iterator[None]:
    """Hold a provider slot, and turn SDK exceptions into a plain-words UserError."""
    with provider_slot(provider, settings.provider_concurrency):
        try:
            yield
        except UserError:
            raise
        except openai.APIStatusError as exc:
            raise provider_error(provider, exc.status_code, body_message(exc.body, exc.message)) from None
        except openai.APITimeoutError:
            raise provider_error(provider, 408, f"no answer within {settings.provider_timeout_s:g} s "
                                                "(PROVIDER_TIMEOUT_S)") from None
        except openai.APIConnectionError:
            raise provider_error(provider, None) from None
        except openai.APIError as exc:  # an error event inside a stream
            raise stream_error(provider, exc.message) from None
        except TRANSPORT_ERRORS:  # the transport failed outside the SDK's own wrapping (mid-stream)
            raise connection_lost(provider) from None

