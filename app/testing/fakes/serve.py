"""Every fake provider on one port, by hand:

    .venv/bin/python -m app.testing.fakes.serve --port 8765

then start the app with OPENAI_BASE_URL=http://127.0.0.1:8765/openai/v1 and so on (printed at start).
"""

from __future__ import annotations

import argparse
import threading

from app.testing.fakes.openai_api import script
from app.testing.fakes.provider_server import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep-alive", action="store_true", help="serve with waitress (keep-alive connections)")
    parser.add_argument("--threads", type=int, default=64, help="waitress threads (with --keep-alive)")
    parser.add_argument("--whole-streams", action="store_true", help="send each event stream at once")
    parser.add_argument("--answer", help="what the text models answer")
    parser.add_argument("--answer-bytes", type=int, default=0, help="answer this many bytes of letters")
    parser.add_argument("--chunk-size", type=int, default=0, help="deltas of this many characters")
    parser.add_argument("--batch", type=int, default=1, help="SSE events per write")
    args = parser.parse_args()
    fake = build().start(args.host, args.port, keep_alive=args.keep_alive, threads=args.threads)
    fake.whole_streams = args.whole_streams
    llm = script(fake)
    llm.answer = ("abcdefghij" * (args.answer_bytes // 10 + 1))[:args.answer_bytes] if args.answer_bytes \
        else args.answer or llm.answer
    llm.chunk_size, llm.batch = args.chunk_size, args.batch
    print("Fake providers at", fake.url, "- start the app with:")
    for name, value in fake.base_urls().items():
        print(f"  {name}={value}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
