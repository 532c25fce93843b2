"""Media outputs: audio waveform and playback, video metadata, 3D models (three.js), PDF pages (pdf.js), each viewer
loaded only when such an output shows."""

from __future__ import annotations

from playwright.sync_api import Locator, Playwright, expect

from app.nodes.mock import SAMPLE_VIDEO, sample_wav
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT
from tests.browser.editor import Editor
from tests.browser.media_files import obj_cube, pdf, textured_glb
from app.testing.flow_client import node
from app.testing.server_process import ServerProcess

SPEECH = "s1#openai-text-to-speech-processor"

# Share of a canvas's pixels that are drawn (alpha > 0), over every canvas the locator finds.
PAINTED = """(canvases) => {
  let painted = 0, total = 0;
  for (const canvas of canvases) {
    if (!canvas.width || !canvas.height) continue;
    const copy = Object.assign(document.createElement('canvas'), { width: canvas.width, height: canvas.height });
    const context = copy.getContext('2d');
    context.drawImage(canvas, 0, 0);
    const data = context.getImageData(0, 0, copy.width, copy.height).data;
    for (let i = 3; i < data.length; i += 4) { total += 1; if (data[i] > 0) painted += 1; }
  }
  return total ? painted / total : 0;
}"""
# Shares of dark, pure red and light pixels of a canvas (a PDF page drawn on white).
INKS = """(canvas) => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let dark = 0, red = 0, light = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    if (r < 60 && g < 60 && b < 60) dark += 1;
    else if (r > 200 && g < 60 && b < 60) red += 1;
    else if (r > 200 && g > 200 && b > 200) light += 1;
  }
  const total = data.length / 4;
  return { dark: dark / total, red: red / total, light: light / total };
}"""


def scripts_fetched(editor: Editor) -> list[str]:
    """Every URL the page requests from now on (filled as it goes)."""
    urls: list[str] = []
    editor.page.on("request", lambda request: urls.append(request.url))
    return urls


def fetched(urls: list[str], chunk: str) -> bool:
    return any(f"/assets/{chunk}" in url for url in urls)


def file_node(editor: Editor) -> str:
    editor.palette_item("file").press("Enter")
    (name,) = editor.node_names()
    return name


def upload(editor: Editor, filename: str, mime: str, data: bytes) -> str:
    """A File node holding this uploaded file."""
    name = file_node(editor)
    editor.page.get_by_test_id(f"file-input-{name}").set_input_files(
        files=[{"name": filename, "mimeType": mime, "buffer": data}])
    expect(editor.page.get_by_test_id(f"file-name-{name}")).to_have_text(filename)
    return name


def typed_url(editor: Editor, url: str) -> str:
    """A File node given this URL in its URL mode."""
    name = file_node(editor)
    editor.node(name).get_by_role("button", name="URL").click()
    field = editor.page.get_by_test_id(f"file-url-{name}")
    field.fill(url)
    field.press("Enter")
    return name


def painted(canvases: Locator) -> float:
    return canvases.evaluate_all(PAINTED)


# ---- audio ----------------------------------------------------------------------------------------
def test_an_audio_output_draws_its_waveform_and_plays(editor: Editor) -> None:
    page = editor.page
    urls = scripts_fetched(editor)
    editor.open()
    editor.import_flow([{**node(SPEECH, "openai-text-to-speech-processor", text="Hello", model="tts-1", voice="alloy"),
                         "x": 40, "y": 40}])
    page.get_by_test_id("side-pane-toggle").click()  # close the JSON pane again
    assert not fetched(urls, "AudioWave"), "the waveform is loaded before any audio output shows"
    editor.run_all()
    editor.wait_idle()

    output = editor.output(SPEECH)
    player = output.get_by_test_id("audio-player")
    expect(player).to_have_attribute("data-state", "ready")
    assert painted(output.locator("[data-testid=audio-wave] canvas")) > 0.1  # the waveform is drawn
    expect(output.get_by_test_id("audio-time")).to_have_text("0:00 / 0:01")
    assert (output.get_by_test_id("media-download").get_attribute("href") or "").endswith(".wav")
    output.get_by_test_id("audio-play").click()
    audio = output.locator("audio").element_handle()
    page.wait_for_function("audio => audio.currentTime > 0.2", arg=audio)
    assert fetched(urls, "AudioWave")


def test_an_uploaded_sound_gets_a_waveform(editor: Editor) -> None:
    editor.open()
    name = upload(editor, "tone.wav", "audio/wav", sample_wav())
    output = editor.output(name)
    expect(output.get_by_test_id("audio-player")).to_have_attribute("data-state", "ready")
    assert painted(output.locator("[data-testid=audio-wave] canvas")) > 0.1
    assert (output.get_by_test_id("media-download").get_attribute("href") or "").endswith(".wav")


def test_a_sound_the_page_cannot_read_plays_in_the_browsers_own_player(editor: Editor) -> None:
    """A file on another site (here the same server as http://localhost, which the CSP does not let the page fetch)
    gets no waveform, but still plays."""
    page = editor.page
    editor.open()
    target = page.request.get("/upload?filename=tone.wav").json()
    form = {**target["upload_data"].get("fields", {}),
            "file": {"name": "tone.wav", "mimeType": "audio/wav", "buffer": sample_wav()}}
    sent = page.request.post(target["upload_data"]["url"], multipart=form)
    assert sent.ok, sent.text()
    link = target["download_link"]
    other_site = editor.server.url.replace("127.0.0.1", "localhost") + link[link.index("/image/"):]
    name = typed_url(editor, other_site)
    player = editor.output(name).get_by_test_id("audio-player")
    expect(player).to_have_attribute("data-state", "plain")
    expect(player.locator("audio")).to_have_attribute("controls", "")
    page.wait_for_function("audio => audio.readyState >= 1 && audio.duration > 0.9",
                           arg=player.locator("audio").element_handle())
    expect(editor.output(name).locator(".expired")).to_have_count(0)


def test_a_missing_sound_says_its_url_expired(editor: Editor) -> None:
    editor.open()
    name = typed_url(editor, "/image/gone.wav")
    expect(editor.output(name).locator(".expired")).to_be_visible()


# ---- video ----------------------------------------------------------------------------------------
def test_an_uploaded_video_plays_in_the_native_player(editor: Editor) -> None:
    editor.open()
    name = upload(editor, "clip.webm", "video/webm", SAMPLE_VIDEO.read_bytes())
    video = editor.output(name).locator("video")
    expect(video).to_have_attribute("controls", "")
    handle = video.element_handle()
    editor.page.wait_for_function("v => v.readyState >= 1", arg=handle)
    width, height, duration = handle.evaluate("v => [v.videoWidth, v.videoHeight, v.duration]")
    assert (width, height) == (160, 90) and 1.5 < duration < 2.5  # the two-second sample
    assert "nodrag" in (video.get_attribute("class") or "")  # scrubbing does not move the node


# ---- 3D -------------------------------------------------------------------------------------------
def test_a_stabilityai_3d_output_is_shown_in_a_3d_view_loaded_on_demand(editor: Editor) -> None:
    page = editor.page
    urls = scripts_fetched(editor)
    editor.open()
    editor.palette_item("stabilityai-generic-processor").press("Enter")
    (name,) = editor.node_names()
    editor.field(name, "path").select_option("/v2beta/3d/stable-fast-3d")
    page.get_by_test_id(f"node-validate-{name}").click()
    editor.field(name, "image").locator("input.input").fill("http://127.0.0.1:9/object.png")
    editor.field(name, "image").locator("input.input").blur()
    assert not fetched(urls, "ModelView"), "three.js is loaded before any 3D output shows"
    editor.run_all()
    editor.wait_idle()

    viewer = editor.output(name).get_by_test_id("model-viewer")
    expect(viewer).to_have_attribute("data-state", "loaded")
    canvas = viewer.get_by_test_id("model-canvas")
    assert painted(canvas) > 0.02  # the model is drawn (the background is transparent)
    assert (viewer.get_by_test_id("media-download").get_attribute("href") or "").endswith(".glb")
    assert fetched(urls, "ModelView")

    # orbit: dragging on the view turns the model, and does not move the node
    editor.fit_view()
    before = canvas.evaluate("c => c.toDataURL()")
    place = editor.node(name).evaluate("n => n.closest('.react-flow__node').style.transform")
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.6, steps=8)
    page.mouse.up()
    page.wait_for_function("([c, before]) => c.toDataURL() !== before", arg=[canvas.element_handle(), before])
    assert editor.node(name).evaluate("n => n.closest('.react-flow__node').style.transform") == place


def test_an_uploaded_textured_glb_loads(editor: Editor) -> None:
    editor.open()
    name = upload(editor, "square.glb", "model/gltf-binary", textured_glb())
    viewer = editor.output(name).get_by_test_id("model-viewer")
    expect(viewer).to_have_attribute("data-state", "loaded")
    assert painted(viewer.get_by_test_id("model-canvas")) > 0.02
    assert not [e for e in editor.console_errors if "Content Security Policy" in e], editor.console_errors


def test_an_uploaded_obj_model_loads(editor: Editor) -> None:
    editor.open()
    name = upload(editor, "cube.obj", "model/obj", obj_cube())
    viewer = editor.output(name).get_by_test_id("model-viewer")
    expect(viewer).to_have_attribute("data-state", "loaded")
    assert painted(viewer.get_by_test_id("model-canvas")) > 0.02


def test_a_3d_model_that_cannot_be_loaded_says_so(editor: Editor) -> None:
    editor.open()
    name = typed_url(editor, "/image/gone.glb")
    viewer = editor.output(name).get_by_test_id("model-viewer")
    expect(viewer).to_have_attribute("data-state", "error")
    expect(viewer.get_by_role("alert")).to_contain_text("could not be loaded")


def test_without_webgl_the_3d_view_says_so_and_keeps_the_download(playwright_session: Playwright,
                                                                   server: ServerProcess) -> None:
    browser = playwright_session.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                 args=[*CHROMIUM_ARGS, "--disable-3d-apis"])
    try:
        context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
        editor = Editor(context.new_page(), server)
        editor.open()
        name = upload(editor, "cube.obj", "model/obj", obj_cube())
        viewer = editor.output(name).get_by_test_id("model-viewer")
        expect(viewer).to_have_attribute("data-state", "nowebgl")
        expect(viewer.get_by_role("alert")).to_contain_text("WebGL")
        assert (viewer.get_by_test_id("media-download").get_attribute("href") or "").endswith(".obj")
    finally:
        browser.close()


# ---- PDF ------------------------------------------------------------------------------------------
def test_an_uploaded_pdf_shows_its_first_page_and_page_count(editor: Editor) -> None:
    page = editor.page
    urls = scripts_fetched(editor)
    editor.open()
    assert not fetched(urls, "PdfPreview") and not fetched(urls, "pdf.worker")
    name = upload(editor, "report.pdf", "application/pdf", pdf(pages=2))
    preview = editor.output(name).get_by_test_id("pdf-preview")
    expect(preview).to_have_attribute("data-state", "loaded")
    expect(preview).to_have_attribute("data-page", "1")
    expect(preview.get_by_test_id("pdf-pages")).to_have_text("Page 1 of 2")
    canvas = preview.get_by_test_id("pdf-canvas")
    inks = canvas.evaluate(INKS)
    assert inks["dark"] > 0.02 and inks["light"] > 0.3 and inks["red"] > 0.002, inks  # the page is drawn
    one_square = inks["red"]
    assert (preview.get_by_test_id("pdf-open").get_attribute("href") or "").endswith(".pdf")

    preview.get_by_test_id("pdf-next").click()
    expect(preview).to_have_attribute("data-page", "2")
    expect(preview.get_by_test_id("pdf-pages")).to_have_text("Page 2 of 2")
    assert canvas.evaluate(INKS)["red"] > one_square * 1.5  # page 2 has two red squares
    expect(preview.get_by_test_id("pdf-next")).to_be_disabled()

    # the worker comes from the build's assets, nothing from another site
    assert fetched(urls, "pdf.worker")
    assert all(url.startswith((editor.server.url, "data:", "blob:")) for url in urls), urls


def test_a_pdf_that_cannot_be_loaded_says_so(editor: Editor) -> None:
    editor.open()
    name = typed_url(editor, "/image/gone.pdf")
    preview = editor.output(name).get_by_test_id("pdf-preview")
    expect(preview).to_have_attribute("data-state", "error")
    expect(preview.get_by_role("alert")).to_contain_text("could not be loaded")
