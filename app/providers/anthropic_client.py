"""Anthropic SDK client: base URL, timeout and retries from the settings; SDK errors in plain words."""

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
    import anthropic

PROVIDER = "Anthropic"


def make_client(settings: Settings, api_key: str) -> anthropic.Anthropic:
    """The (cached) client with the configured base URL (ANTHROPIC_BASE_URL), timeout and retries (429, 5xx),
    on the shared Anthropic connection pool (the SDK uses httpx2)."""
    wait_until_warm()
    import anthropic
    import httpx2

    base_url = settings.anthropic_base_url or None

    def build() -> anthropic.Anthropic:
        http_client = httpx2.Client(transport=pooled_transport(httpx2, PROVIDER, settings))
        return anthropic.Anthropic(api_key=api_key, base_url=base_url, timeout=settings.provider_timeout_s,
                                   max_retries=settings.provider_max_retries, http_client=http_client)

    return cached_client(PROVIDER, base_url, api_key, build)


def stream_json(client: anthropic.Anthropic, body: dict[str, Any]) -> anthropic.Stream[Any]:
    """POST a streamed Messages request; events come as plain JSON dicts (see openai_client.stream_json)."""
    import anthropic  # loaded already: the client came from make_client

    return client.post("/v1/messages", body={**body, "stream": True}, cast_to=object, stream=True,
                       stream_cls=anthropic.Stream[object])


@contextmanager
def anthropic_errors(call: ProviderCall) -> Iterator[None]:
    """Hold an Anthropic slot and turn SDK exceptions into a plain-words UserError."""
    wait_until_warm()
    import anthropic
    import httpx2
    import pydantic

    with call.slot():
        try:
            yield
        except UserError:
            raise
        except anthropic.APIStatusError as exc:
            if exc.status_code < 400:  # an `error` event inside a stream that had started fine
                raise stream_error(PROVIDER, body_message(exc.body, exc.message)) from None
            raise provider_error(PROVIDER, exc.status_code, body_message(exc.body, exc.message)) from None
        except anthropic.APITimeoutError:
            raise call.timed_out() from None
        except anthropic.APIConnectionError:
            raise call.connection_lost() from None
        except anthropic.APIError as exc:
            raise stream_error(PROVIDER, exc.message) from None
        except httpx2.TimeoutException:
            raise call.timed_out() from None
        except httpx2.TransportError:
            raise call.connection_lost() from None
        except (ValueError, pydantic.ValidationError):
            raise call.malformed() from None
        except TRANSPORT_ERRORS:  # the transport failed outside the SDK's own wrapping (mid-stream)
            raise call.connection_lost() from None
