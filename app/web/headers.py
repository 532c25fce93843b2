"""Security headers: nosniff on every response, a Content-Security-Policy on the editor's pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response

from app.settings import Settings


def _origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def editor_csp(settings: Settings) -> str:
    """The editor's policy: its own scripts only, no framing by other sites. Images and media may come
    from anywhere on the web (provider outputs, fetched pages: they cannot run code); files the page reads
    itself (PDF and 3D viewers, waveforms) come from this server, the configured S3 endpoint or PUBLIC_URL,
    where uploads go too."""
    origins = {_origin(settings.s3_endpoint_url), _origin(settings.public_url)}
    extra = "".join(f" {origin}" for origin in sorted(o for o in origins if o))
    files = "'self' http: https:"
    upload_targets = f"{extra} https:" if settings.s3_enabled else extra
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src {files} data: blob:",
        f"media-src {files} blob:",
        # blob: and data: for the 3D viewer (a GLB's embedded textures, a glTF's embedded buffers)
        f"connect-src 'self' ws: wss: blob: data:{upload_targets}",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ))


def register(app: Flask) -> None:
    @app.after_request
    def _nosniff(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
