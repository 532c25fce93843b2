"""Tool nodes run directly (NodeContext built here) against a local HTTP server: real HTTP, no mocks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.engine.flow import FlowError, parse_flow
from app.errors import UserError
from app.net import Fetcher
from app.nodes.base import NodeContext
from app.nodes.core.url_input import normalise_url
from app.nodes.core.youtube_transcript import video_id_of
from app.nodes.registry import ProcessorRegistry
from app.nodes.spec import Node
from app.settings import Settings
from app.storage.local import LocalStorage
from app.testing.fakes import web_content as fx
from app.testing.fakes.provider_server import FakeProviders
from app.testing.server_process import free_port

REGISTRY = ProcessorRegistry.discover()


@pytest.fixture(scope="module")
def web() -> Iterator[FakeProviders]:
    server = fx.content_server().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def settings(web: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(allow_private_urls=True, fetch_timeout_s=1.0, youtube_base_url=web.url,
                    local_storage_folder_name=str(tmp_path_factory.mktemp("storage")))


def run(node: dict[str, Any], settings: Settings, outputs: dict[str, list[Any]] | None = None,
        storage: LocalStorage | None = None) -> Any:
    """Process one node the way the scheduler does (same NodeContext), returning its raw result."""
    parsed = Node.model_validate({"inputs": [], **node})
    ctx = NodeContext(node=parsed, settings=settings, api_keys={}, output_of=(outputs or {}).get,
                      stream=lambda text: None, cancelled=threading.Event(), storage=storage,
                      fetcher=Fetcher(settings), run_id="unit")
    return REGISTRY.get(parsed.processorType)(ctx).process()


def edge(source: str, input_name: str | None, key: int | None = 0) -> dict[str, Any]:
    return {"inputNode": source, "inputName": input_name, "inputNodeOutputKey": key}


def user_error(node: dict[str, Any], settings: Settings, **kwargs: Any) -> str:
    with pytest.raises(UserError) as caught:
        run(node, settings, **kwargs)
    return caught.value.message


def config(processor_type: str) -> dict[str, Any]:
    return next(c for c in REGISTRY.configs() if c["processorType"] == processor_type)


def field(processor_type: str, name: str) -> dict[str, Any]:
    return next(f for f in config(processor_type)["fields"] if f["name"] == name)


# ---- configs (what the editor renders) ---------------------------------------------------------
def test_configs_carry_the_reference_fields_and_defaults() -> None:
    assert field("url_input", "selectors_to_remove")["defaultValue"] == ["meta", "link", "script"]
    assert field("url_input", "url")["required"] and field("url_input", "url")["hasHandle"]
    assert config("url_input")["nodeName"] == "EnterURL"
    language = field("youtube_transcript_input", "language")
    assert language["defaultValue"] == "en" and [o["value"] for o in language["options"]][:3] == ["en", "fr", "es"]
    assert len(language["options"]) == 12
    merger = config("merger-prompt")
    assert merger["inputNames"] == ["input-1", "input-2"] and merger["outputType"] == "markdown"
    assert field("merger-prompt", "mergeMode")["defaultValue"] == "2" and field("merger-prompt", "mergeMode")["hidden"]
    assert field("merger-prompt", "inputNameBar")["associatedField"] == "prompt"
    assert [field("replace-text", n)["defaultValue"] for n in ("replace_all", "case_sensitivity", "use_regex")] \
        == [True, True, False]
    assert (field("generate-number-processor", "min")["defaultValue"],
            field("generate-number-processor", "max")["defaultValue"]) == (0, 1000)
    assert field("http-get-processor", "headers")["type"] == "dictionnary"
    assert field("document-to-text-processor", "document_url")["required"]
    assert config("file")["section"] == "input" and field("file", "fileUrl")["required"]
    extensions = {c["processorType"] for c in REGISTRY.configs(extensions_only=True)}
    assert {"replace-text", "generate-number-processor", "http-get-processor",
            "document-to-text-processor"} <= extensions
    assert not {"url_input", "merger-prompt", "file"} & extensions


def test_required_fields_are_checked_before_running() -> None:
    def check(nodes: list[dict[str, Any]]) -> None:
        parse_flow(json.dumps([{"inputs": [], **n} for n in nodes]), REGISTRY, max_bytes=10**6)

    with pytest.raises(FlowError, match="'fileUrl'"):
        check([{"name": "f", "processorType": "file"}])
    with pytest.raises(FlowError, match="'url'"):
        check([{"name": "u", "processorType": "url_input"}])
    check([{"name": "m", "processorType": "merger-prompt", "prompt": "x"}])  # mergeMode is not required
    check([{"name": "r", "processorType": "replace-text", "input_text": "a", "search_text": "a",
            "replacement_text": ""}])  # an empty replacement deletes the matches


# ---- simple nodes ------------------------------------------------------------------------------
def test_input_image_and_file_return_their_value(settings: Settings) -> None:
    assert run({"name": "i", "processorType": "input-image", "inputText": "https://x/y.png"}, settings) \
        == "https://x/y.png"
    assert run({"name": "f", "processorType": "file", "fileUrl": "https://x/doc.pdf"}, settings) == "https://x/doc.pdf"


def test_merger_fills_placeholders_from_named_inputs(settings: Settings) -> None:
    outputs = {"a": ["first"], "b": ["zero", {"k": 1}]}
    node = {"name": "m", "processorType": "merger-prompt", "mergeMode": "1",
            "prompt": "A=${input-1} B=${input-2} again ${input-1}",
            "inputs": [edge("a", "input-1"), edge("b", "input-2", 1)]}
    assert run(node, settings, outputs) == 'A=first B={"k": 1} again first'


def test_merger_uses_the_node_input_names_and_blank_for_missing(settings: Settings) -> None:
    node = {"name": "m", "processorType": "merger-prompt", "prompt": "${input-1}|${input-2}|${input-3}",
            "config": {"inputNames": ["input-1", "input-2", "input-3"]},
            "inputs": [edge("a", "input-1"), edge("c", "input-3")]}
    assert run(node, settings, {"a": ["x"], "c": [None]}) == "x||"


# ---- replace-text ------------------------------------------------------------------------------
def replace(settings: Settings, **values: Any) -> Any:
    return run({"name": "r", "processorType": "replace-text", **values}, settings)


def test_replace_text_defaults_replace_all_case_sensitive(settings: Settings) -> None:
    assert replace(settings, input_text="Cat cat cat", search_text="cat", replacement_text="dog") == ["Cat dog dog"]


def test_replace_text_options(settings: Settings) -> None:
    assert replace(settings, input_text="a.b a.b", search_text="a.b", replacement_text="x",
                   replace_all=False) == ["x a.b"]
    assert replace(settings, input_text="A.B axb", search_text="a.b", replacement_text=r"\1",
                   case_sensitivity="false") == [r"\1 axb"]  # literal: no regex meaning, no backreferences
    assert replace(settings, input_text="2024-05-01", search_text=r"(\d+)-(\d+)-(\d+)",
                   replacement_text=r"\3/\2/\1", use_regex=True) == ["01/05/2024"]
    assert replace(settings, input_text="Hello HELLO", search_text="hel+o", replacement_text="bye",
                   use_regex=True, case_sensitivity=False, replace_all=True) == ["bye bye"]


def test_replace_text_errors(settings: Settings) -> None:
    message = user_error({"name": "r", "processorType": "replace-text", "input_text": "x", "search_text": "(",
                          "replacement_text": "y", "use_regex": True}, settings)
    assert message.startswith("Invalid regular expression '('") and "'search_text'" in message
    message = user_error({"name": "r", "processorType": "replace-text", "input_text": "x", "search_text": "x",
                          "replacement_text": r"\2", "use_regex": True}, settings)
    assert "Invalid replacement" in message



def test_replace_text_regex_runs_in_linear_time(settings: Settings) -> None:
    started = time.perf_counter()
    assert replace(settings, input_text="a" * 30 + "!", search_text="(a+)+$", replacement_text="x",
                   use_regex=True) == ["a" * 30 + "!"]
    assert replace(settings, input_text="a" * 100_000 + "!", search_text="(a|aa)*$", replacement_text="x",
                   use_regex=True) == ["a" * 100_000 + "!x"]
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?=a)a", r"a(?<!b)", "a{2,1}", "x" * 2001])
def test_replace_text_patterns_re2_refuses_are_errors_naming_the_field(settings: Settings, pattern: str) -> None:
    message = user_error({"name": "r", "processorType": "replace-text", "input_text": "aa", "search_text": pattern,
                          "replacement_text": "y", "use_regex": True}, settings)
    assert "'search_text'" in message and "Traceback" not in message and "b'" not in message


def test_replace_text_replacement_groups(settings: Settings) -> None:
    assert replace(settings, input_text="john smith", search_text=r"(?P<first>\w+) (?P<last>\w+)",
                   replacement_text=r"\g<last>, \g<first> (\g<0>)", use_regex=True) == ["smith, john (john smith)"]
    assert replace(settings, input_text="Café CAFÉ", search_text="é", replacement_text="e",
                   case_sensitivity=False) == ["Cafe CAFe"]
    assert replace(settings, input_text="a.b A.B", search_text="a.b", replacement_text=r"\g<0>",
                   case_sensitivity=False) == [r"\g<0> \g<0>"]  # literal search: replacement literal too
    message = user_error({"name": "r", "processorType": "replace-text", "input_text": "x", "search_text": "(x)",
                          "replacement_text": r"\g<nope>", "use_regex": True}, settings)
    assert "'replacement_text'" in message


@pytest.mark.parametrize("values", [
    {"search_text": "", "use_regex": True},  # matches between every character
    {"search_text": "a"},
    {"search_text": "A", "case_sensitivity": False},
])
def test_replace_text_output_is_bounded(settings: Settings, values: dict[str, Any]) -> None:
    small = settings.model_copy(update={"max_node_output_mb": 1.0})
    node = {"name": "r", "processorType": "replace-text", "input_text": "a" * 100_000,
            "replacement_text": "b" * 100, **values}
    if not node["search_text"]:
        node["search_text"] = "(?:)"
    assert "MAX_NODE_OUTPUT_MB" in user_error(node, small)


# ---- generate-number ---------------------------------------------------------------------------
def test_generate_number(settings: Settings) -> None:
    values = {run({"name": "g", "processorType": "generate-number-processor"}, settings)[0] for _ in range(50)}
    assert all(isinstance(v, int) and 0 <= v <= 1000 for v in values) and len(values) > 1
    assert run({"name": "g", "processorType": "generate-number-processor", "min": "7", "max": 7}, settings) == [7]
    assert user_error({"name": "g", "processorType": "generate-number-processor", "min": 5, "max": 2},
                      settings) == "'min' should not be greater than 'max'"
    assert user_error({"name": "g", "processorType": "generate-number-processor", "min": "abc"},
                      settings) == "Both 'min' and 'max' should be valid numbers"


# ---- http-get ----------------------------------------------------------------------------------
def http_get(settings: Settings, url: str, **values: Any) -> Any:
    return run({"name": "h", "processorType": "http-get-processor", "url": url, **values}, settings)


def test_http_get_json_text_and_headers(web: FakeProviders, settings: Settings) -> None:
    assert http_get(settings, web.url + "/data.json") == [fx.JSON_DATA]
    assert http_get(settings, web.url + "/notes.txt") == fx.TEXT_BODY
    echoed = http_get(settings, web.url + "/echo-headers",
                      headers=[{"key": "X-Token", "value": "abc"}, {"key": "", "value": "ignored"}])
    assert echoed[0]["headers"]["X-Token"] == "abc"
    echoed = http_get(settings, web.url + "/echo-headers", headers='{"X-Other": "1"}')
    assert echoed[0]["headers"]["X-Other"] == "1"


def test_http_get_errors(web: FakeProviders, settings: Settings) -> None:
    def error(url: str, **values: Any) -> str:
        return user_error({"name": "h", "processorType": "http-get-processor", "url": url, **values}, settings)

    assert error("") == "URL is required."
    assert error("ftp://example.com/x") == "Invalid URL scheme. Only HTTP and HTTPS are allowed."
    assert error(web.url + "/status/404") == "HTTP GET request failed: the server answered 404."
    assert "redirect" in error(web.url + "/redirect")  # redirects are not followed
    assert "limit of 2.0 MB" in error(web.url + "/big?mb=3") or "too large" in error(web.url + "/big?mb=3")
    assert "limit of 2.0 MB" in error(web.url + "/big-stream?mb=3")
    assert error(web.url + "/broken.json") == "Failed to parse JSON response."
    assert error(web.url + "/data.json", headers="not json") == "Headers must be a valid JSON."
    assert error(web.url + "/data.json", headers=[{"key": "Bad Name", "value": "x"}]) == "Invalid header 'Bad Name'."
    started = time.monotonic()
    assert "timed out after 1 s" in error(web.url + "/slow")
    assert time.monotonic() - started < 2.5


# ---- url_input ---------------------------------------------------------------------------------
def page(settings: Settings, url: str, **values: Any) -> Any:
    return run({"name": "u", "processorType": "url_input", "url": url, **values}, settings)


def test_url_input_markdown_of_the_page(web: FakeProviders, settings: Settings) -> None:
    text = page(settings, web.url + "/page.html")
    assert "# Green threads" in text and "**scheduling**" in text
    assert "[gevent](https://example.com/docs" in text and "Footer text" in text
    assert "SCRIPT-CONTENT" not in text  # script removed by the default selectors_to_remove


def test_url_input_selectors(web: FakeProviders, settings: Settings) -> None:
    text = page(settings, web.url + "/page.html", selectors=["article", ".ads"])
    assert "Green threads" in text and "BUY NOW" in text and "Home" not in text and "Footer" not in text
    text = page(settings, web.url + "/page.html", selectors_to_remove=["nav", "footer", "script"])
    assert "Home" not in text and "Footer" not in text and "Green threads" in text
    text = page(settings, web.url + "/page.html", selectors=[".nothing-matches"])
    assert "Green threads" in text and "Footer text" in text  # falls back to the whole page


def test_url_input_html_output(web: FakeProviders, settings: Settings) -> None:
    html = page(settings, web.url + "/page.html", selectors=["article"], with_html_tags=True)
    assert html.startswith("<article>") and "<b>scheduling</b>" in html and "class=" not in html
    html = page(settings, web.url + "/page.html", selectors=["article"], with_html_tags=True,
                with_html_attributes=True)
    assert html.startswith('<article class="article" id="main">') and 'href="https://example.com/docs"' in html


def test_url_input_other_content(web: FakeProviders, settings: Settings) -> None:
    assert page(settings, web.url + "/notes.txt") == fx.TEXT_BODY
    assert "Document-to-Text" in user_error({"name": "u", "processorType": "url_input",
                                             "url": web.url + "/doc.pdf"}, settings)


def test_url_input_errors(web: FakeProviders, settings: Settings) -> None:
    def error(url: str, **values: Any) -> str:
        return user_error({"name": "u", "processorType": "url_input", "url": url, **values}, settings)

    assert error("   ") == "No URL provided."
    assert error("not a url").startswith("The provided URL 'not a url' is not valid.")
    assert error(web.url + "/status/500") == f"Could not load '{web.url}/status/500': the server answered 500."
    assert "redirected more than" in error(web.url + "/loop")
    assert "limit of 10.0 MB" in error(web.url + "/big-stream?mb=11")
    assert "timed out" in error(web.url + "/slow")
    assert error(web.url + "/page.html", selectors=["div[["]) == "Invalid CSS selector in 'selectors': 'div[['."
    unused = free_port()
    assert error(f"http://127.0.0.1:{unused}/") == (f"Could not fetch 'http://127.0.0.1:{unused}/': "
                                                    "the connection was refused.")


def test_url_normalisation() -> None:
    assert normalise_url("example.com/page") == "https://example.com/page"
    assert normalise_url("  HTTP://Example.com ") == "HTTP://Example.com"
    assert normalise_url("localhost:5000/x") == "https://localhost:5000/x"
    with pytest.raises(UserError):
        normalise_url("https://")


# ---- document-to-text --------------------------------------------------------------------------
def document(settings: Settings, url: str, **kwargs: Any) -> Any:
    return run({"name": "d", "processorType": "document-to-text-processor", "document_url": url}, settings, **kwargs)


def test_document_to_text_formats(web: FakeProviders, settings: Settings) -> None:
    pdf = "Hello from the PDF fixture.\nSecond line (with parentheses)."
    assert document(settings, web.url + "/doc.pdf") == pdf
    assert document(settings, web.url + "/download/report.pdf") == pdf  # octet-stream: decided by extension
    assert document(settings, web.url + "/notes.txt") == fx.TEXT_BODY  # "; charset=utf-8" accepted
    assert document(settings, web.url + "/table.csv") == fx.CSV_BODY
    assert document(settings, web.url + "/readme.md") == fx.MARKDOWN_BODY
    assert json.loads(document(settings, web.url + "/data.json")) == fx.JSON_DATA
    assert document(settings, web.url + "/data.json").startswith('{\n  "name": "fixture"')
    assert '"error": "x"' in document(settings, web.url + "/problem.json")
    html = document(settings, web.url + "/page.html")
    assert "# Green threads" in html and "SCRIPT-CONTENT" not in html and "Fixture page" not in html


def test_document_to_text_errors(web: FakeProviders, settings: Settings) -> None:
    def error(url: str) -> str:
        return user_error({"name": "d", "processorType": "document-to-text-processor", "document_url": url}, settings)

    assert error("") == "No document URL provided."
    assert error("file:///etc/passwd").startswith("Invalid URL 'file:///etc/passwd'")
    assert error(web.url + "/image.png").startswith("The file type 'image/png' of ")
    assert error(web.url + "/broken.pdf") == "The document is not a readable PDF file."
    assert error(web.url + "/broken.json").startswith("The document is not valid JSON (")
    assert error(web.url + "/status/404").endswith("the server answered 404.")


def test_document_to_text_reads_our_own_stored_files_without_fetching(tmp_path: Path) -> None:
    strict = Settings(allow_private_urls=False, local_storage_folder_name=str(tmp_path))
    storage = LocalStorage(strict)
    url = storage.save("notes.md", "# Stored\n".encode(), base_url="http://127.0.0.1:5000")
    assert document(strict, url, storage=storage) == "# Stored\n"


# ---- private addresses -------------------------------------------------------------------------
@pytest.mark.parametrize("node", [
    {"processorType": "url_input", "url": "{url}/page.html"},
    {"processorType": "http-get-processor", "url": "{url}/data.json"},
    {"processorType": "document-to-text-processor", "document_url": "{url}/notes.txt"},
])
def test_private_addresses_are_refused_by_default(web: FakeProviders, node: dict[str, str]) -> None:
    strict = Settings(allow_private_urls=False)
    values = {k: v.format(url=web.url) for k, v in node.items()}
    before = len(web.requests)
    message = user_error({"name": "n", **values}, strict)
    assert message.startswith("Refusing to fetch") and "ALLOW_PRIVATE_URLS=true" in message
    assert len(web.requests) == before


# ---- youtube_transcript_input ------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=4",
    "https://m.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ?si=abc", "youtu.be/dQw4w9WgXcQ",
    "https://www.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube.com/embed/dQw4w9WgXcQ?start=3",
    "https://www.youtube.com/live/dQw4w9WgXcQ", "dQw4w9WgXcQ",
])
def test_video_ids(url: str) -> None:
    assert video_id_of(url) == "dQw4w9WgXcQ"


@pytest.mark.parametrize("url", ["https://example.com/watch?v=dQw4w9WgXcQ", "https://www.youtube.com/watch?v=short",
                                 "https://www.youtube.com/channel/abc", "hello"])
def test_invalid_video_urls(url: str) -> None:
    with pytest.raises(UserError, match="Invalid YouTube URL"):
        video_id_of(url)


def transcript(settings: Settings, url: str, language: str | None = None) -> Any:
    values = {"language": language} if language else {}
    return run({"name": "y", "processorType": "youtube_transcript_input", "url": url, **values}, settings)


def test_youtube_transcript(web: FakeProviders, settings: Settings) -> None:
    assert transcript(settings, "https://youtu.be/" + fx.VIDEO_OK) == "Hello & welcome to the show"
    player = [r for r in web.requests if r.path == "/youtubei/v1/player"][-1]
    assert player.json()["videoId"] == fx.VIDEO_OK and player.query["key"] == fx.INNERTUBE_KEY


def test_youtube_transcript_is_translated_when_missing(settings: Settings) -> None:
    assert transcript(settings, "https://www.youtube.com/watch?v=" + fx.VIDEO_OK, "fr") \
        == "Bonjour et bienvenue dans l'émission"


def test_youtube_errors(web: FakeProviders, settings: Settings) -> None:
    def error(url: str, language: str | None = None) -> str:
        values = {"language": language} if language else {}
        return user_error({"name": "y", "processorType": "youtube_transcript_input", "url": url, **values}, settings)

    watch = "https://www.youtube.com/watch?v="
    assert error(watch + fx.VIDEO_NO_CAPTIONS) == f"No transcription found for {watch}{fx.VIDEO_NO_CAPTIONS}"
    assert error(watch + fx.VIDEO_UNAVAILABLE) == f"Video is unavailable for {watch}{fx.VIDEO_UNAVAILABLE}"
    assert error(watch + fx.VIDEO_GERMAN_ONLY) \
        == f"No transcription found for {watch}{fx.VIDEO_GERMAN_ONLY} in language 'en' (available: de)."
    assert error("") == "No URL provided"
    before = len(web.requests)
    assert error("https://vimeo.com/12345").startswith("Invalid YouTube URL https://vimeo.com/12345")
    assert len(web.requests) == before  # an invalid URL is not retried, nor even sent


def test_youtube_unreachable_is_retried_once_then_reported(settings: Settings) -> None:
    down = settings.model_copy(update={"youtube_base_url": f"http://127.0.0.1:{free_port()}"})
    started = time.monotonic()
    message = user_error({"name": "y", "processorType": "youtube_transcript_input", "url": fx.VIDEO_OK}, down)
    assert message.startswith(f"Failed to retrieve transcript for {fx.VIDEO_OK}: YouTube did not answer")
    assert time.monotonic() - started < 5


def test_merger_refuses_an_amplified_output_before_building_it(settings: Settings) -> None:
    small = settings.model_copy(update={"max_node_output_mb": 1.0})
    node = {"name": "m", "processorType": "merger-prompt", "prompt": "${input-1}" * 11,
            "inputs": [edge("in", "input-1")]}
    assert run(node, small, outputs={"in": ["z" * 95_000]}) == "z" * 95_000 * 11
    message = user_error(node, small, outputs={"in": ["z" * 96_000]})
    assert "MAX_NODE_OUTPUT_MB" in message and "1 MB" in message
