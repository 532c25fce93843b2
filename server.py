"""Start the server: patch for green threads first, then build the app and serve on HOST:PORT."""

import os
import sys

from app import concurrency

concurrency.patch(os.environ.get("ASYNC_MODE") or "gevent")

import logging  # noqa: E402

from app import create_app  # noqa: E402
from app.errors import ConfigError  # noqa: E402
from app.lifecycle import before_serving  # noqa: E402
from app.settings import load_settings  # noqa: E402
from app.web.access import editor_url  # noqa: E402
from app.web.serving import build_server  # noqa: E402


def main() -> None:
    settings = load_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("werkzeug", "engineio", "socketio", "httpx", "httpx2", "httpcore", "urllib3", "botocore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        app = create_app(settings)
    except ConfigError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        sys.exit(2)
    logging.getLogger("server").info("Editor at %s (mode: %s%s)", editor_url(app),
                                     settings.async_mode, ", mock providers" if settings.use_mock else "")
    before_serving(app)
    server = build_server(app, settings)
    server.serve_forever()


if __name__ == "__main__":
    main()
