"""The processor plugin API: a node type declares its config and a process() that returns output."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Callable, ClassVar

from app.errors import UserError
from app.nodes.config import AnyNodeConfig, NodeConfig, required_field_names

if TYPE_CHECKING:
    from app.net import Fetcher
    from app.net_body import FetchResult
    from app.nodes.spec import Node
    from app.providers.common import ProviderCall
    from app.settings import Settings
    from app.storage.base import Storage


@dataclass
class NodeContext:
    """What a running node may use: its inputs, the run's keys, storage, fetching, the cancel signal."""

    node: Node
    settings: Settings
    api_keys: dict[str, str]
    output_of: Callable[[str], list[Any] | None]
    stream: Callable[[str | Callable[[], str]], None]  # the whole text so far (or a builder of it)
    cancelled: Any  # an Event: set when the run is cancelled
    storage: Storage | None = None
    fetcher: Fetcher | None = None
    run_id: str = ""
    base_url: str | None = None  # the caller's view of this server, for URLs of stored files
    stream_delta: Callable[[str], None] | None = None  # the text so far grew by this chunk
    waiting: Callable[[bool], None] | None = None  # True: waits for a provider slot; False: got one


class Processor:
    """Base class of every node type. Subclasses live one per module under app/nodes/."""

    processor_type: ClassVar[str]
    #: Provider name when the node calls a paid API (such nodes are faked in mock mode).
    provider: ClassVar[str | None] = None
    #: The run parameter holding this node's API key, if it needs one.
    api_key_name: ClassVar[str | None] = None
    #: Listed by /node/extensions (the reference's "extension" nodes) as well as /node/configs.
    is_extension: ClassVar[bool] = False
    #: True when process() only reshapes what it is given (no I/O, no waiting, bounded work): the scheduler
    #: then runs it in place instead of starting a green thread for it.
    instant: ClassVar[bool] = False
    #: Whether a run may serve this node's output from the output cache (False for nodes whose output
    #: changes by itself: random numbers, live pages; a node with `cachePinned: true` is cached anyway).
    cacheable: ClassVar[bool] = True
    #: Bump when the node's outputs for the same inputs change (the cache then misses its old entries).
    cache_version: ClassVar[int] = 1
    #: Input nodes: the field a caller's `inputs` value (by node name) replaces when a run starts by API.
    input_field: ClassVar[str | None] = None
    #: What a mocked node returns in mock mode.
    mock_output: ClassVar[Any] = "Lorem Ipsum"

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.node = ctx.node
        self.name = ctx.node.name

    # ---- declaration -------------------------------------------------------------------------
    @classmethod
    def node_config(cls) -> NodeConfig | None:
        """The static form of this node type (None: the editor has a custom component for it)."""
        return None

    @classmethod
    def dynamic_node_config(cls, data: dict[str, Any]) -> AnyNodeConfig:
        """The form after the user picked a discriminating value (`isDynamicallyGenerated` nodes)."""
        raise UserError(f"Node type '{cls.processor_type}' has no dynamic configuration.")

    @classmethod
    def is_mocked(cls, node: Node) -> bool:
        """Whether mock mode replaces this node with a fake (nodes that call a provider)."""
        return cls.provider is not None

    @classmethod
    def required_fields(cls, node: Node) -> list[str]:
        return list(_static_required_fields(cls))

    # ---- running ----------------------------------------------------------------------------
    def process(self) -> Any:
        raise NotImplementedError

    def cancel(self) -> None:
        """Called when the run is cancelled while this node runs: abort streams and predictions."""

    # ---- helpers for subclasses ---------------------------------------------------------------
    def input(self, name: str, default: Any = None) -> Any:
        """A field's value: the output wired into `name` if any, else the node's own value, else default."""
        value = self.node.get(name, default)
        for edge in self.node.inputs:
            if edge.inputName == name:
                output = self.ctx.output_of(edge.inputNode)
                upstream = _pick(output, edge.inputNodeOutputKey)
                if upstream is not None:
                    return upstream
                break
        return value

    def text_input(self, name: str, default: str | None = None) -> str | None:
        """Like input(), converted to text (objects and lists as JSON)."""
        value = self.input(name, default)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def first_input(self, default: Any = None) -> Any:
        """The output of the first incoming edge (positional nodes), at its output key (default 0)."""
        if not self.node.inputs:
            return default
        edge = self.node.inputs[0]
        value = _pick(self.ctx.output_of(edge.inputNode), edge.inputNodeOutputKey or 0)
        return default if value is None else value

    @property
    def has_inputs(self) -> bool:
        return bool(self.node.inputs)

    def stream(self, text_so_far: str | Callable[[], str]) -> None:
        """Show a partial result: the whole text so far, or a function building it (called only when the
        engine's throttle actually sends a partial)."""
        self.ctx.stream(text_so_far)

    def stream_delta(self, chunk: str) -> None:
        """Show that the partial result grew by `chunk` (cheap: the engine joins parts only when it sends)."""
        if self.ctx.stream_delta is not None:
            self.ctx.stream_delta(chunk)

    def new_call(self, provider: str | None = None, api_key: str | None = None) -> ProviderCall:
        """A call to `provider` (default: this node's) with this node's key; queueing shows on the node."""
        from app.providers.common import ProviderCall

        name = provider or self.provider or "the provider"
        return ProviderCall(name, self.ctx.settings, api_key or self.api_key(), waiting=self.ctx.waiting)

    def api_key(self, name: str | None = None) -> str:
        key_name = name or self.api_key_name
        if key_name is None:
            raise UserError("This node does not declare an API key.")
        value = self.ctx.api_keys.get(key_name)
        if not value:
            provider = self.provider or key_name.removesuffix("_api_key")
            raise UserError(f"No {provider} API key: set '{key_name}' in the settings "
                            f"(or {key_name.upper()} on the server with USE_ENV_API_KEYS=true).")
        return value

    def save_file(self, data: bytes | IO[bytes], extension: str, content_type: str | None = None) -> str:
        """Store generated bytes (or a binary file) under a unique name derived from this node; returns the
        file's URL."""
        from app.storage.base import safe_name

        if self.ctx.storage is None:
            raise UserError("No file storage is configured on the server.")
        return self.ctx.storage.save(safe_name(self.name, extension), data, base_url=self.ctx.base_url,
                                     content_type=content_type)

    def open_file(self, url: str, *, max_bytes: int | None = None) -> FetchResult:
        """A file input as a FetchResult whose body is a file (close it, or use it in a `with`): our own stored
        files directly, others through the fetch helper (timeout, size limit, private-address guard)."""
        import io
        import mimetypes

        from app.net_body import FetchResult

        own = self.ctx.storage.read(url) if self.ctx.storage is not None else None
        if own is not None:
            if max_bytes is not None and len(own) > max_bytes:
                raise UserError(f"'{url}' is larger than the limit of {max_bytes / 1048576:.1f} MB.")
            content_type = mimetypes.guess_type(url.split("?")[0])[0] or ""
            return FetchResult(url=url, status=200, headers={"content-type": content_type}, size=len(own),
                               body=io.BytesIO(own))
        if self.ctx.fetcher is None:
            raise UserError("Fetching files is not available on this server.")
        result = self.ctx.fetcher.get(url, max_bytes=max_bytes)
        if result.status >= 400:
            result.close()
            raise UserError(f"Could not download '{url}': the server answered {result.status}.")
        return result

    def read_file(self, url: str, *, max_bytes: int | None = None) -> tuple[bytes, str | None]:
        """Bytes and content type of a (small) file input; see open_file."""
        with self.open_file(url, max_bytes=max_bytes) as result:
            return result.content, result.content_type or None

    @property
    def cancelled(self) -> bool:
        return bool(self.ctx.cancelled.is_set())


def _pick(output: list[Any] | None, key: int | None) -> Any:
    if output is None:
        return None
    if key is None:
        return output
    if -len(output) <= key < len(output):
        return output[key]
    return None


def normalise_output(value: Any) -> list[Any] | None:
    """Outputs are lists internally: a string or object becomes a one-element list."""
    if value is None:
        return None
    return value if isinstance(value, list) else [value]


@functools.cache
def _static_required_fields(cls: type[Processor]) -> tuple[str, ...]:
    """A node type's required fields from its static form, built once per type (not once per node run)."""
    config = cls.node_config()
    return tuple(required_field_names(config)) if config else ()
