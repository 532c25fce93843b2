"""Files: the File node names what was uploaded; mock mode gives audio, video and 3D nodes real sample files, shown
by their viewers (tests/browser/test_editor_media.py tests each viewer)."""

from __future__ import annotations

from playwright.sync_api import expect

from app.testing.flow_client import node
from tests.browser.editor import Editor, attr

SPEECH = "s1#openai-text-to-speech-processor"
IMAGE = "i1#input-image"
VIDEO = "v1#stable-video-diffusion-replicate"


def test_the_file_node_shows_the_uploaded_files_name_type_and_size(editor: Editor) -> None:
    page = editor.page
    editor.open()
    editor.palette_item("file").press("Enter")
    (name,) = editor.node_names()
    page.get_by_test_id(f"file-input-{name}").set_input_files(
        files=[{"name": "meeting notes.txt", "mimeType": "text/plain", "buffer": b"x" * 2560}])
    expect(page.get_by_test_id(f"file-name-{name}")).to_have_text("meeting notes.txt")
    expect(page.get_by_test_id(f"file-type-{name}")).to_have_text("text/plain")
    expect(page.get_by_test_id(f"file-size-{name}")).to_have_text("2.5 KB")
    editor.reload()  # kept with the flow
    expect(page.get_by_test_id(f"file-name-{name}")).to_have_text("meeting notes.txt")
    expect(page.get_by_test_id(f"file-size-{name}")).to_have_text("2.5 KB")


def media_ready(editor: Editor, name: str, tag: str) -> None:
    """The node's <audio>/<video> has loaded the file's metadata (it can play), and no "expired URL" shows."""
    selector = f".react-flow__node[data-id={attr(name)}] {tag}"
    editor.page.wait_for_function("sel => { const m = document.querySelector(sel); return m && m.readyState >= 1; }",
                                  arg=selector)
    expect(editor.output(name).locator(".expired")).to_have_count(0)


def test_mock_mode_gives_audio_video_and_3d_nodes_real_samples(editor: Editor) -> None:
    page = editor.page
    editor.open()
    editor.import_flow([
        {**node(SPEECH, "openai-text-to-speech-processor", text="Hello there", model="tts-1", voice="alloy"), "x": 40, "y": 40},
        {**node(IMAGE, "input-image", inputText="http://127.0.0.1:9/picture.png"), "x": 40, "y": 420},
        {**node(VIDEO, "stable-video-diffusion-replicate", [(IMAGE, None, 0)]), "x": 480, "y": 420},
    ])
    expect(editor.node(VIDEO)).to_be_visible()
    page.get_by_test_id("side-pane-toggle").click()  # close the pane again
    # a 3D node: StabilityAI's "Stable Fast 3D", set up as a user does (operation, Validate, an image)
    editor.palette_item("stabilityai-generic-processor").press("Enter")
    (three_d,) = [n for n in editor.node_names() if n.endswith("#stabilityai-generic-processor")]
    editor.field(three_d, "path").select_option("/v2beta/3d/stable-fast-3d")
    page.get_by_test_id(f"node-validate-{three_d}").click()
    editor.field(three_d, "image").locator("input.input").fill("http://127.0.0.1:9/object.png")
    editor.field(three_d, "image").locator("input.input").blur()

    editor.run_all()
    editor.wait_idle()
    for name in (SPEECH, VIDEO, three_d):
        expect(editor.status(name)).to_have_attribute("data-status", "done")

    media_ready(editor, SPEECH, "audio")
    media_ready(editor, VIDEO, "video")
    width, height, duration = page.evaluate(
        f"() => {{ const v = document.querySelector('.react-flow__node[data-id={attr(VIDEO)}] video');"
        " return [v.videoWidth, v.videoHeight, v.duration]; }")
    assert (width, height) == (160, 90) and 1.5 < duration < 2.5
    expect(editor.output(SPEECH).get_by_test_id("audio-player")).to_have_attribute("data-state", "ready")

    link = editor.output(three_d).locator("a[href$='.glb']").first
    expect(link).to_be_visible()
    answer = page.request.get(link.get_attribute("href") or "")
    assert answer.ok and answer.headers["content-type"] == "model/gltf-binary"
    assert answer.body()[:4] == b"glTF"
    assert "expired" not in editor.output(three_d).inner_text().lower()
    expect(editor.output(three_d).get_by_test_id("model-viewer")).to_have_attribute("data-state", "loaded")
