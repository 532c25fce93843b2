"""One typed settings object, read from the environment once at start-up."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Annotated

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES_DIR = PROJECT_ROOT / "resources"

# Parameter names a run may carry (reference §1.3), and the environment variable behind each.
API_KEY_NAMES: tuple[str, ...] = (
    "openai_api_key",
    "stabilityai_api_key",
    "replicate_api_key",
    "anthropic_api_key",
    "deepseek_api_key",
    "openrouter_api_key",
)

CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    """Every environment variable the server reads (reference §12.1 names, plus our own)."""

    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore", populate_by_name=True)

    # Serving
    host: str = Field("127.0.0.1", alias="HOST")
    port: int = Field(5000, alias="PORT")
    async_mode: Literal["gevent", "eventlet", "threading"] = Field("gevent", alias="ASYNC_MODE")
    public_url: str | None = Field(None, alias="PUBLIC_URL")
    serve_static_files: bool = Field(True, alias="SERVE_STATIC_FILES")
    ui_dist_dir: Path = Field(PROJECT_ROOT / "ui" / "dist", alias="UI_DIST_DIR")
    flask_secret_key: str | None = Field(None, alias="FLASK_SECRET_KEY")
    cors_origins: CommaList = Field(default_factory=list, alias="CORS_ORIGINS")
    allowed_hosts: CommaList = Field(default_factory=list, alias="ALLOWED_HOSTS")
    auth_token: str | None = Field(None, alias="AUTH_TOKEN", repr=False)
    log_level: str = Field("INFO", alias="LOG_LEVEL")
    # Reverse proxies in front of the server whose X-Forwarded-For / -Proto are believed (0: the headers are ignored)
    trusted_proxies: int = Field(0, alias="TRUSTED_PROXIES", ge=0, le=5)

    # Engine
    use_mock: bool = Field(False, alias="USE_MOCK")
    worker_pool_size: int = Field(512, alias="WORKER_POOL_SIZE", ge=1)
    max_flow_size_mb: float = Field(10.0, alias="MAX_FLOW_SIZE_MB", gt=0)
    max_event_mb: float = Field(1.0, alias="MAX_EVENT_MB", gt=0)  # larger values travel as stored-file links
    stream_interval_ms: int = Field(50, alias="STREAM_INTERVAL_MS", ge=0)
    mock_delay_min: float = Field(0.1, alias="MOCK_DELAY_MIN", ge=0)
    mock_delay_max: float = Field(1.0, alias="MOCK_DELAY_MAX", ge=0)
    max_node_output_mb: float = Field(50.0, alias="MAX_NODE_OUTPUT_MB", gt=0)
    max_run_output_mb: float = Field(200.0, alias="MAX_RUN_OUTPUT_MB", gt=0)
    max_flow_nodes: int = Field(5000, alias="MAX_FLOW_NODES", ge=1)
    max_runs_per_client: int = Field(20, alias="MAX_RUNS_PER_CLIENT", ge=1)
    shutdown_grace_s: float = Field(20.0, alias="SHUTDOWN_GRACE_S", ge=0)
    run_orphan_grace_s: float = Field(30.0, alias="RUN_ORPHAN_GRACE_S", ge=0)  # a run nobody follows waits this long
    run_event_tail_mb: float = Field(8.0, alias="RUN_EVENT_TAIL_MB", gt=0)  # per live run, for late joiners
    sse_heartbeat_s: float = Field(15.0, alias="SSE_HEARTBEAT_S", gt=0)  # `: heartbeat` on an idle event stream
    sse_max_lag: int = Field(5000, alias="SSE_MAX_LAG", ge=1)  # events queued for a slow follower before it is dropped

    # Keys
    use_env_api_keys: bool = Field(False, alias="USE_ENV_API_KEYS")
    openai_api_key: str | None = Field(None, alias="OPENAI_API_KEY", repr=False)
    stabilityai_api_key: str | None = Field(None, alias="STABILITYAI_API_KEY", repr=False)
    replicate_api_key: str | None = Field(None, alias="REPLICATE_API_KEY", repr=False)
    anthropic_api_key: str | None = Field(None, alias="ANTHROPIC_API_KEY", repr=False)
    deepseek_api_key: str | None = Field(None, alias="DEEPSEEK_API_KEY", repr=False)
    openrouter_api_key: str | None = Field(None, alias="OPENROUTER_API_KEY", repr=False)

    # App config over the socket (refused unless enabled, and then only from loopback)
    enable_set_app_config_on_ui: bool = Field(False, alias="ENABLE_SET_APP_CONFIG_ON_UI")

    # Catalogue
    extensions_whitelist: CommaList = Field(default_factory=list, alias="EXTENSIONS_WHITELIST")
    extensions_blacklist: CommaList = Field(default_factory=list, alias="EXTENSIONS_BLACKLIST")
    replicate_models_highlighted: CommaList = Field(default_factory=list, alias="REPLICATE_MODELS_HIGHLIGHTED")

    # Provider base URLs (None: the SDK's default)
    openai_base_url: str | None = Field(None, alias="OPENAI_BASE_URL")
    anthropic_base_url: str | None = Field(None, alias="ANTHROPIC_BASE_URL")
    deepseek_base_url: str | None = Field(None, alias="DEEPSEEK_BASE_URL")
    openrouter_base_url: str | None = Field(None, alias="OPENROUTER_BASE_URL")
    replicate_base_url: str | None = Field(None, alias="REPLICATE_BASE_URL")
    stabilityai_base_url: str | None = Field(None, alias="STABILITYAI_BASE_URL")
    stable_diffusion_stabilityai_api_host: str | None = Field(None, alias="STABLE_DIFFUSION_STABILITYAI_API_HOST")
    youtube_base_url: str | None = Field(None, alias="YOUTUBE_BASE_URL")  # YouTube-compatible host (tests, proxies)
    provider_timeout_s: float = Field(120.0, alias="PROVIDER_TIMEOUT_S", gt=0)
    provider_max_retries: int = Field(2, alias="PROVIDER_MAX_RETRIES", ge=0)
    provider_concurrency: int = Field(8, alias="PROVIDER_CONCURRENCY", ge=1)  # per provider and API key
    provider_concurrency_total: int = Field(256, alias="PROVIDER_CONCURRENCY_TOTAL", ge=1)  # per provider
    provider_keepalive_s: float = Field(30.0, alias="PROVIDER_KEEPALIVE_S", gt=0)  # idle provider connections
    provider_warm_up: bool = Field(True, alias="PROVIDER_WARM_UP")  # SDKs imported and run once at start
    stabilityai_poll_timeout_s: float = Field(600.0, alias="STABILITYAI_POLL_TIMEOUT_S", gt=0)
    replicate_poll_interval: float = Field(0.5, alias="REPLICATE_POLL_INTERVAL", gt=0)
    replicate_timeout_s: float = Field(1800.0, alias="REPLICATE_TIMEOUT_S", gt=0)

    # Fetching
    allow_private_urls: bool = Field(False, alias="ALLOW_PRIVATE_URLS")
    fetch_timeout_s: float = Field(20.0, alias="FETCH_TIMEOUT_S", gt=0)
    fetch_max_mb: float = Field(100.0, alias="FETCH_MAX_MB", gt=0)  # per download, unless a node sets less
    document_max_mb: float = Field(50.0, alias="DOCUMENT_MAX_MB", gt=0)  # Document-to-Text downloads
    fetch_budget_mb: float = Field(512.0, alias="FETCH_BUDGET_MB", gt=0)  # bytes downloading at once, server-wide
    fetch_max_redirects: int = Field(5, alias="FETCH_MAX_REDIRECTS", ge=0)

    # Storage
    deployment_env: str = Field("LOCAL", alias="DEPLOYMENT_ENV")
    local_storage_folder_name: str = Field("local_storage", alias="LOCAL_STORAGE_FOLDER_NAME")
    max_upload_size_mb: float = Field(300.0, alias="MAX_UPLOAD_SIZE_MB", gt=0)
    upload_link_expiry_s: int = Field(600, alias="UPLOAD_LINK_EXPIRY_S", gt=0)
    download_link_expiry_s: int = Field(86400, alias="DOWNLOAD_LINK_EXPIRY_S", gt=0)
    file_retention_hours: float | None = Field(None, alias="FILE_RETENTION_HOURS")
    s3_bucket_name: str | None = Field(None, alias="S3_BUCKET_NAME")
    s3_aws_access_key_id: str | None = Field(None, alias="S3_AWS_ACCESS_KEY_ID", repr=False)
    s3_aws_secret_access_key: str | None = Field(None, alias="S3_AWS_SECRET_ACCESS_KEY", repr=False)
    s3_aws_region_name: str | None = Field(None, alias="S3_AWS_REGION_NAME")
    s3_endpoint_url: str | None = Field(None, alias="S3_ENDPOINT_URL")
    max_pool_connections: int = Field(100, alias="MAX_POOL_CONNECTIONS", ge=1)

    # Run history (app/runstore): SQLite under DATA_DIR unless DATABASE_URL (postgresql+psycopg://...) is set
    run_history: bool = Field(True, alias="RUN_HISTORY")
    data_dir: Path = Field(Path("data"), alias="DATA_DIR")  # relative paths are under the project root
    database_url: str | None = Field(None, alias="DATABASE_URL", repr=False)  # may carry a password
    run_history_days: float = Field(30, alias="RUN_HISTORY_DAYS", gt=0)
    run_history_max_runs: int = Field(10000, alias="RUN_HISTORY_MAX_RUNS", ge=1)
    cache_max_mb: float = Field(512.0, alias="CACHE_MAX_MB", gt=0)  # the output cache, in the same database

    # Scale-out (app/cluster): runs on Celery workers behind Redis instead of inside the web process
    executor: Literal["inline", "queue"] = Field("inline", alias="EXECUTOR")
    redis_url: str | None = Field(None, alias="REDIS_URL", repr=False)  # may carry a password
    worker_concurrency: int = Field(50, alias="WORKER_CONCURRENCY", ge=1)  # runs at once per worker process
    local_storage_shared: bool = Field(False, alias="LOCAL_STORAGE_SHARED")  # the folder is shared by every process
    run_stream_ttl_s: int = Field(3600, alias="RUN_STREAM_TTL_S", ge=60)  # a run's event stream in Redis, after its end

    @field_validator("cors_origins", "allowed_hosts", "extensions_whitelist", "extensions_blacklist",
                     "replicate_models_highlighted", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @property
    def max_flow_bytes(self) -> int:
        return int(self.max_flow_size_mb * 1024 * 1024)

    @property
    def max_event_bytes(self) -> int:
        return int(self.max_event_mb * 1024 * 1024)

    @property
    def local_storage_dir(self) -> Path:
        folder = Path(self.local_storage_folder_name)
        return folder if folder.is_absolute() else PROJECT_ROOT / folder

    @property
    def data_path(self) -> Path:
        return self.data_dir if self.data_dir.is_absolute() else PROJECT_ROOT / self.data_dir

    @property
    def s3_enabled(self) -> bool:
        return bool(self.s3_aws_access_key_id and self.s3_bucket_name)

    def env_api_keys(self) -> dict[str, str]:
        """The provider keys present in the environment, by parameter name."""
        return {name: value for name in API_KEY_NAMES if (value := getattr(self, name))}

    def secret_key(self) -> tuple[str, bool]:
        """The Flask secret, and whether it had to be generated."""
        if self.flask_secret_key:
            return self.flask_secret_key, False
        return secrets.token_hex(32), True

    def allowed_origins(self) -> list[str]:
        """Browser origins allowed besides the server's own (CORS and Socket.IO)."""
        if self.cors_origins:
            return [origin for origin in self.cors_origins if origin != "*"]
        origins = []
        for port in {self.port, 5173, 3000}:
            origins += [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]
        if self.public_url:
            origins.append(self.public_url.rstrip("/"))
        return origins


def load_settings(**overrides: object) -> Settings:
    """Read the environment (and a .env file in the working directory) once."""
    from dotenv import load_dotenv

    load_dotenv(override=False)
    return Settings(**overrides)
