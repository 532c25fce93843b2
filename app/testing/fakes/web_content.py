"""A local HTTP server with web content for fetching nodes: pages, JSON, PDF, text, faults, and a fake YouTube.

    server = content_server().start()       # a FakeProviders (app/testing/fakes/provider_server.py) with routes
    server.url + "/page.html"               # see ROUTES below for every path
    ...
    server.stop()

The YouTube part answers what youtube-transcript-api asks for (watch page with the innertube key, the
innertube player POST, the timedtext XML); point the app at it with YOUTUBE_BASE_URL=server.url.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any, Iterator

from werkzeug.wrappers import Request, Response

from app.testing.fakes.provider_server import FakeProviders

PAGE_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>Fixture page</title>
<link rel="stylesheet" href="/style.css"><script>var tracking = "SCRIPT-CONTENT";</script></head>
<body>
<nav class="menu"><a href="/">Home</a> <a href="/about">About</a></nav>
<article id="main" class="article"><h1 class="title">Green threads</h1>
<p>Cooperative <b>scheduling</b> with <a href="https://example.com/docs" title="docs">gevent</a>.</p>
<ul><li>one</li><li>two</li></ul></article>
<aside class="ads">BUY NOW</aside>
<footer><p>Footer text</p></footer>
</body></html>"""

JSON_DATA = {"name": "fixture", "items": [1, 2, 3], "nested": {"ok": True, "text": "héllo"}}
TEXT_BODY = "Plain text line one.\nLigne deux: été.\n"
CSV_BODY = "name,age\nada,36\nalan,41\n"
MARKDOWN_BODY = "# Title\n\nSome *markdown* text.\n"
PDF_LINES = ["Hello from the PDF fixture.", "Second line (with parentheses)."]
SLOW_SECONDS = 3.0

# YouTube fake
INNERTUBE_KEY = "fakeInnertubeKey_123"
VIDEO_OK = "dQw4w9WgXcQ"  # English captions, translatable to French and German
VIDEO_NO_CAPTIONS = "NoCaptions1"
VIDEO_UNAVAILABLE = "Unavailabl1"
VIDEO_GERMAN_ONLY = "GermanOnly1"  # German captions that cannot be translated
TRANSCRIPTS = {
    (VIDEO_OK, "en", None): ["Hello &amp;amp; welcome", "to the &lt;b&gt;show&lt;/b&gt;"],
    (VIDEO_OK, "en", "fr"): ["Bonjour et bienvenue", "dans l'émission"],
    (VIDEO_GERMAN_ONLY, "de", None): ["Guten Tag"],
}


def make_pdf(lines: list[str], padding: int = 0) -> bytes:
    """A minimal one-page PDF (Helvetica text), built byte by byte with a correct cross-reference table;
    `padding` bytes of an unreferenced binary stream make it as big as wanted."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    commands = ["BT", "/F1 12 Tf", "72 720 Td"]
    for index, line in enumerate(lines):
        if index:
            commands.append("0 -16 Td")
        commands.append(f"({escape(line)}) Tj")
    commands.append("ET")
    stream = "\n".join(commands).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if padding:
        objects.append(b"<< /Length %d >>\nstream\n" % padding + b"\x00" * padding + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)


def content_response(data: str | bytes, content_type: str, status: int = 200, **headers: str) -> Response:
    """A body with its media type (and any other headers)."""
    return Response(data, status=status, headers={"Content-Type": content_type, **headers})


def install_content(fake: FakeProviders) -> None:
    """Web content and faults."""
    pdf = make_pdf(PDF_LINES)
    static = {
        "/page.html": (PAGE_HTML, "text/html; charset=utf-8"),
        "/data.json": (json.dumps(JSON_DATA), "application/json"),
        "/problem.json": (json.dumps({"error": "x"}), "application/problem+json"),
        "/broken.json": ('{"name": ', "application/json"),
        "/notes.txt": (TEXT_BODY, "text/plain; charset=utf-8"),
        "/table.csv": (CSV_BODY, "text/csv"),
        "/readme.md": (MARKDOWN_BODY, "text/markdown; charset=utf-8"),
        "/doc.pdf": (pdf, "application/pdf"),
        "/download/report.pdf": (pdf, "application/octet-stream"),
        "/broken.pdf": (b"%PDF-1.4 not really a pdf", "application/pdf"),
        "/image.png": (b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png"),
    }
    for path, (data, content_type) in static.items():
        fake.route("GET", path.replace(".", r"\."))(lambda request, match, d=data, c=content_type: content_response(d, c))

    @fake.route("GET", "/slow")
    def slow(request: Request, match: Any) -> Response:
        time.sleep(float(request.args.get("s", SLOW_SECONDS)))
        return content_response("finally", "text/plain")

    @fake.route("GET", "/loop")
    def loop(request: Request, match: Any) -> Response:
        return Response("", status=302, headers={"Location": "/loop"})

    @fake.route("GET", "/redirect")
    def redirect(request: Request, match: Any) -> Response:
        return Response("", status=302, headers={"Location": "/page.html"})

    @fake.route("GET", "/big")
    def big(request: Request, match: Any) -> Response:
        """?mb=N bytes of text with a Content-Length (refused before reading)."""
        return content_response(b"a" * int(float(request.args.get("mb", "3")) * 1048576), "text/plain")

    @fake.route("GET", "/big-stream")
    def big_stream(request: Request, match: Any) -> Response:
        """?mb=N bytes of text without a Content-Length (refused while reading); ?type= its media type."""
        size = int(float(request.args.get("mb", "3")) * 1048576)

        def chunks() -> Iterator[bytes]:
            sent = 0
            while sent < size:
                piece = min(65536, size - sent)
                sent += piece
                yield b"b" * piece

        return Response(chunks(), headers={"Content-Type": request.args.get("type", "text/html")})

    @fake.route("GET", r"/status/(\d+)")
    def status(request: Request, match: Any) -> Response:
        return content_response(f"status {match.group(1)}", "text/plain", int(match.group(1)))

    @fake.route("GET", "/echo-headers")
    def echo_headers(request: Request, match: Any) -> Response:
        return fake.json_response({"headers": dict(request.headers)})


def install_youtube(fake: FakeProviders) -> None:
    """The three requests youtube-transcript-api 1.2 makes, as YouTube answers them."""

    @fake.route("GET", "/watch")
    def watch(request: Request, match: Any) -> Response:
        html = ('<html><head><script>var ytcfg = {"INNERTUBE_API_KEY": "%s", "OTHER": 1};</script></head>'
                "<body>video %s</body></html>" % (INNERTUBE_KEY, request.args.get("v", "")))
        return content_response(html, "text/html; charset=utf-8")

    @fake.route("POST", "/youtubei/v1/player")
    def player(request: Request, match: Any) -> Response:
        if request.args.get("key") != INNERTUBE_KEY:
            return fake.json_response({"error": "bad key"}, 403)
        video_id = (request.get_json(silent=True) or {}).get("videoId")
        if video_id == VIDEO_UNAVAILABLE:
            return fake.json_response({"playabilityStatus": {"status": "ERROR", "reason": "This video is unavailable"}})
        if video_id == VIDEO_NO_CAPTIONS:
            return fake.json_response({"playabilityStatus": {"status": "OK"}})
        if video_id == VIDEO_GERMAN_ONLY:
            tracks = [_track(video_id, "de", "German", translatable=False)]
        elif video_id == VIDEO_OK:
            tracks = [_track(video_id, "en", "English", translatable=True)]
        else:
            return fake.json_response({"playabilityStatus": {"status": "ERROR", "reason": "This video is unavailable"}})
        languages = [{"languageCode": code, "languageName": {"runs": [{"text": name}]}}
                     for code, name in (("fr", "French"), ("de", "German"))]
        return fake.json_response({
            "playabilityStatus": {"status": "OK"},
            "captions": {"playerCaptionsTracklistRenderer": {"captionTracks": tracks,
                                                             "translationLanguages": languages}},
        })

    @fake.route("GET", "/api/timedtext")
    def timedtext(request: Request, match: Any) -> Response:
        key = (request.args.get("v"), request.args.get("lang"), request.args.get("tlang"))
        lines = TRANSCRIPTS.get(key)
        if lines is None:
            return content_response("", "text/xml", 404)
        texts = "".join(f'<text start="{i * 1.5}" dur="1.5">{line}</text>' for i, line in enumerate(lines))
        return content_response(f'<?xml version="1.0" encoding="utf-8" ?><transcript>{texts}</transcript>',
                     "text/xml; charset=UTF-8")


def _track(video_id: str, code: str, name: str, *, translatable: bool) -> dict[str, Any]:
    return {"baseUrl": f"https://www.youtube.com/api/timedtext?v={video_id}&lang={code}&fmt=srv3",
            "name": {"runs": [{"text": name}]}, "languageCode": code, "isTranslatable": translatable}


def content_server() -> FakeProviders:
    """A not-yet-started server with the web content and the fake YouTube installed."""
    fake = FakeProviders()
    install_content(fake)
    install_youtube(fake)
    return fake


class DripServer:
    """A raw HTTP server on 127.0.0.1 that sends one byte every `interval` seconds: the body (part="body",
    after complete headers announcing `length` bytes) or the headers themselves (part="headers")."""

    def __init__(self, part: str = "body", interval: float = 0.5, length: int = 1000) -> None:
        self.part, self.interval, self.length = part, interval, length
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                data = conn.recv(4096)
                if not data:
                    return
                request += data
            self.requests.append(request)
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {self.length}\r\n"
                    "\r\n").encode()
            drip = head if self.part == "headers" else b"a" * self.length
            try:
                if self.part == "body":
                    conn.sendall(head)
                for index in range(len(drip)):
                    if self._stop.wait(self.interval):
                        return
                    conn.sendall(drip[index:index + 1])
            except OSError:
                return

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
