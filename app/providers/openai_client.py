"""OpenAI SDK clients (OpenAI itself, and the OpenAI-compatible DeepSeek and OpenRouter APIs)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

from app.errors import UserError
from app.providers.clients import cached_client
from app.providers.common import (
    TRANSPORT_ERRORS,
    ProviderCall,
    body_message,
    provider_error,
    stream_error,
)
from app.providers.http_pool import pooled_transport
from app.providers.warm_up import wait_until_warm
from app.settings import Settings

if TYPE_CHECKING:  # the SDK is imported when a client is first made: a server that never calls it never loads it
    import openai

# provider name -> (settings attribute of the base URL, SDK default base URL, key parameter)
OPENAI_COMPATIBLE = {
    "OpenAI": ("openai_base_url", None, "openai_api_key"),
    "DeepSeek": ("deepseek_base_url", "https://api.deepseek.com", "deepseek_api_key"),
    "OpenRouter": ("openrouter_base_url", "https://openrouter.ai/api/v1", "openrouter_api_key"),
}


def make_client(settings: Settings, api_key: str, provider: str = "OpenAI") -> openai.OpenAI:
    """The (cached) client with the configured base URL, timeout and retry policy (retries: 429 and 5xx),
    on the provider's shared connection pool."""
    wait_until_warm()
    import httpx
    import openai

    url_attr, default_url, _ = OPENAI_COMPATIBLE[provider]
    base_url = getattr(settings, url_attr) or default_url

    def build() -> openai.OpenAI:
        http_client = httpx.Client(transport=pooled_transport(httpx, provider, settings))
        return openai.OpenAI(api_key=api_key, base_url=base_url, timeout=settings.provider_timeout_s,
                             max_retries=settings.provider_max_retries, http_client=http_client)

    return cached_client(provider, base_url, api_key, build)


def stream_json(client: openai.OpenAI, path: str, body: dict[str, Any]) -> openai.Stream[Any]:
    """POST a streamed request; its events come as plain JSON dicts. The SDK still sends, retries, decodes the
    SSE and raises its errors; only its typed event models are skipped (validating those costs ~5 ms of CPU
    per call, most of a call's cost, and 50,000 models for a 200 KB answer in 4-byte deltas)."""
    import openai  # loaded already: the client came from make_client

    return client.post(path, body={**body, "stream": True}, cast_to=object, stream=True,
                       stream_cls=openai.Stream[object])


@contextmanager
def openai_errors(call: ProviderCall) -> Iterator[None]:
    """Hold a provider slot, and turn SDK exceptions into a plain-words UserError."""
    wait_until_warm()
    import httpx
    import openai
    import pydantic

    provider = call.provider
    with call.slot():
        try:
            yield
        except UserError:
            raise
        except openai.APIStatusError as exc:
            raise provider_error(provider, exc.status_code, body_message(exc.body, exc.message)) from None
        except openai.APITimeoutError:
            raise call.timed_out() from None
        except openai.APIConnectionError:
            raise call.connection_lost() from None
        except openai.APIError as exc:  # an error event inside a stream
            raise stream_error(provider, exc.message) from None
        except httpx.TimeoutException:  # raised while reading a stream (the SDK wraps only the request)
            raise call.timed_out() from None
        except httpx.TransportError:
            raise call.connection_lost() from None
        except (ValueError, pydantic.ValidationError):  # undecodable JSON or an unexpected shape
            raise call.malformed() from None
        except TRANSPORT_ERRORS:  # the transport failed outside the SDK's own wrapping (mid-stream)
            raise call.connection_lost() from None
