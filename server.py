"""Start the server: patch for green threads first, then build the app and serve on HOST:PORT."""

import os

from app import concurrency

concurrency.patch(os.environ.get("ASYNC_MODE") or "gevent")

import logging  # noqa: E402

from app import create_app, socketio_of  # noqa: E402
from app.lifecycle import before_serving  # noqa: E402
from app.settings import load_settings  # noqa: E402


def main() -> None:
    settings = load_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("werkzeug", "engineio", "socketio", "httpx", "httpcore", "urllib3", "botocore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    app = create_app(settings)
    shown_host = "localhost" if settings.host in ("127.0.0.1", "0.0.0.0", "::") else settings.host
    logging.getLogger("server").info("Editor at http://%s:%d (mode: %s%s)", shown_host, settings.port,
                                     settings.async_mode, ", mock providers" if settings.use_mock else "")
    before_serving(app)
    socketio_of(app).run(app, host=settings.host, port=settings.port, log_output=False,
                         allow_unsafe_werkzeug=True, use_reloader=False)


if __name__ == "__main__":
    main()
