"""A Playwright page on the editor with helpers named after what a user does (hooks from docs/ui.md)."""

from __future__ import annotations

import json
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, WebSocket, expect

from app.testing.server_process import ServerProcess

# Socket.IO over Engine.IO v4: an event is "42" + optional "/namespace," + optional ack id + JSON array.
_EVENT_FRAME = re.compile(r"^42(?:/[^,]*,)?\d*(\[.*)$", re.DOTALL)
# Where the editor puts a dropped node's corner relative to the pointer (Canvas.tsx onDrop): (-40, -30).
DROP_OFFSET = (40, 30)


def socketio_event(frame: str | bytes) -> tuple[str, Any] | None:
    """(event name, payload) of a Socket.IO event frame, None for other frames."""
    if not isinstance(frame, str):
        return None
    match = _EVENT_FRAME.match(frame)
    if not match:
        return None
    try:
        items = json.loads(match.group(1))
    except json.JSONDecodeError:
        return None
    if not items or not isinstance(items[0], str):
        return None
    return items[0], items[1] if len(items) > 1 else None


def attr(value: str) -> str:
    """A value quoted for a CSS attribute selector (node names contain '#')."""
    return json.dumps(value)


class Editor:
    """The editor in one browser page; records console errors and the Socket.IO events both ways."""

    def __init__(self, page: Page, server: ServerProcess) -> None:
        self.page = page
        self.server = server
        self.console_errors: list[str] = []
        self.sent: list[tuple[str, Any]] = []
        self.received: list[tuple[str, Any]] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"page error: {error}"))
        page.on("websocket", self._on_websocket)

    # ---- recording ---------------------------------------------------------------------------
    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_websocket(self, socket: WebSocket) -> None:
        def record(target: list[tuple[str, Any]]):  # type: ignore[no-untyped-def]
            def handler(frame: str | bytes) -> None:
                event = socketio_event(frame)
                if event is not None:
                    target.append(event)
            return handler

        socket.on("framesent", record(self.sent))
        socket.on("framereceived", record(self.received))

    def sent_events(self, name: str) -> list[Any]:
        return [payload for event, payload in self.sent if event == name]

    def wait_sent(self, name: str, count: int, timeout_ms: float = 10_000) -> list[Any]:
        """The page's `name` events once it has sent `count` of them (the page's tasks run meanwhile)."""
        deadline = time.monotonic() + timeout_ms / 1000
        while len(self.sent_events(name)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"the page sent {len(self.sent_events(name))} {name} events, not {count}")
            self.page.wait_for_timeout(20)
        return self.sent_events(name)

    def received_events(self, name: str) -> list[Any]:
        return [payload for event, payload in self.received if event == name]

    # ---- loading -----------------------------------------------------------------------------
    def skip_intro(self) -> None:
        """Start with an empty canvas instead of the first-visit sample (for every load of this page)."""
        self.page.add_init_script(
            "try { if (localStorage.getItem('firstVisit') === null) localStorage.setItem('firstVisit', 'false'); }"
            " catch (e) {}")

    def skip_tour(self) -> None:
        """Never show the first-visit guided tour (as if it had been skipped), for every load of this page."""
        self.page.add_init_script(
            "try { if (localStorage.getItem('aiflow-tour') === null) localStorage.setItem('aiflow-tour', 'skipped'); }"
            " catch (e) {}")

    def open(self, *, intro: bool = False, tour: bool = False) -> Editor:
        """The editor, by default on an empty canvas and without the guided tour (only the tour's tests want it)."""
        if not intro:
            self.skip_intro()
        if not tour:
            self.skip_tour()
        self.page.goto("/")
        self.wait_ready()
        return self

    def reload(self) -> None:
        self.page.reload()
        self.wait_ready()

    def wait_ready(self) -> None:
        """The app has booted and its Socket.IO connection is up."""
        expect(self.page.locator("#main-content")).to_be_visible()
        expect(self.page.locator("#loading-screen")).to_have_count(0)
        expect(self.page.get_by_test_id("connection-state")).to_have_attribute("data-state", "connected")

    # ---- nodes -------------------------------------------------------------------------------
    def node(self, name: str) -> Locator:
        return self.page.locator(f".react-flow__node[data-id={attr(name)}]")

    def nodes_of_type(self, processor_type: str) -> Locator:
        return self.page.locator(f".react-flow__node-{processor_type}")

    def node_names(self) -> list[str]:
        return self.page.locator(".react-flow__node").evaluate_all("els => els.map(e => e.dataset.id)")

    def palette_item(self, processor_type: str) -> Locator:
        return self.page.get_by_test_id(f"palette-item-{processor_type}")

    def drag_from_palette(self, processor_type: str, point: dict[str, float]) -> str:
        """Drag a palette item onto the canvas at `point` (relative to the pane); returns the new node's name."""
        before = set(self.node_names())
        self.palette_item(processor_type).drag_to(self.page.locator(".react-flow__pane"), target_position=point)
        new = self.nodes_of_type(processor_type)
        expect(new).to_have_count(len([n for n in before if n.endswith(f"#{processor_type}")]) + 1)
        (name,) = set(self.node_names()) - before
        self.wait_viewport_still()
        return name

    def wait_viewport_still(self) -> None:
        """Wait until the canvas stops moving (fit-view after the first node, animated zooms)."""
        self.page.evaluate("""() => new Promise((resolve, reject) => {
            const viewport = document.querySelector('.react-flow__viewport');
            if (!viewport) return reject(new Error('no canvas viewport'));
            let last = null, same = 0, frames = 0;
            const tick = () => {
                const now = viewport.style.transform;
                same = now === last ? same + 1 : 0;
                last = now;
                if (same >= 5) return resolve(now);
                if (++frames > 600) return reject(new Error('the canvas never stopped moving'));
                requestAnimationFrame(tick);
            };
            requestAnimationFrame(tick);
        })""")

    def canvas_point(self, fx: float, fy: float) -> dict[str, float]:
        """A point of the pane (relative to its corner) at fractions of the area the palette leaves free."""
        pane = self._pane_box()
        palette = self.page.get_by_test_id("palette")
        left = 0.0
        if palette.is_visible():
            box = palette.bounding_box()
            if box:
                left = max(0.0, box["x"] + box["width"] - pane["x"])
        return {"x": left + (pane["width"] - left) * fx, "y": pane["height"] * fy}

    def hide_palette(self) -> None:
        """Fold the palette away so that it covers no part of the canvas."""
        palette = self.page.get_by_test_id("palette")
        if palette.is_visible():
            palette.get_by_test_id("palette-toggle").click()
            expect(palette).to_be_hidden()

    def fit_view(self) -> None:
        """The canvas controls' "fit view": every node in sight."""
        self.page.locator(".react-flow__controls-fitview").click()
        self.wait_viewport_still()

    def _pane_box(self) -> dict[str, float]:
        pane = self.page.locator(".react-flow__pane").bounding_box()
        assert pane, "the canvas is not shown"
        return pane

    def right_of(self, node: str, gap: float = 70) -> dict[str, float]:
        """A drop point (pane-relative) that puts a new node's corner `gap` px right of `node`'s top."""
        box, pane = self.node(node).bounding_box(), self._pane_box()
        assert box
        return {"x": box["x"] + box["width"] + gap + DROP_OFFSET[0] - pane["x"],
                "y": box["y"] + DROP_OFFSET[1] - pane["y"]}

    def below(self, node: str, gap: float = 60) -> dict[str, float]:
        """A drop point (pane-relative) that puts a new node `gap` px under `node`."""
        box, pane = self.node(node).bounding_box(), self._pane_box()
        assert box
        return {"x": box["x"] + DROP_OFFSET[0] - pane["x"],
                "y": box["y"] + box["height"] + gap + DROP_OFFSET[1] - pane["y"]}

    def handle(self, node: str, handle_id: str) -> Locator:
        return self.node(node).locator(f".react-flow__handle[data-handleid={attr(handle_id)}]")

    def field_handle(self, node: str, field: str) -> Locator:
        """The input handle drawn next to a field's label (nodes that name their handles)."""
        return self.node(node).locator(f".field[data-field={attr(field)}] .react-flow__handle")

    def connect(self, source: Locator, target: Locator) -> None:
        """Drag with the mouse from an output handle to an input handle; wait for the new edge."""
        expect(source).to_be_visible()
        expect(target).to_be_visible()
        edges = self.page.locator(".react-flow__edge")
        count = edges.count()
        a, b = source.bounding_box(), target.bounding_box()
        assert a and b
        mouse = self.page.mouse
        mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
        mouse.down()
        mouse.move(a["x"] + 40, a["y"] + 10, steps=4)
        mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=12)
        mouse.up()
        expect(edges).to_have_count(count + 1)

    def field(self, node: str, field: str) -> Locator:
        return self.page.get_by_test_id(f"node-{node}").get_by_test_id(f"field-{field}")

    def status(self, node: str) -> Locator:
        return self.page.get_by_test_id(f"node-status-{node}")

    def output(self, node: str) -> Locator:
        return self.page.get_by_test_id(f"node-output-{node}")

    def error(self, node: str) -> Locator:
        return self.page.get_by_test_id(f"node-error-{node}")

    def show_output(self, node: str) -> Locator:
        """The node's output area, opened if the node hides its output by default (waits for one or the other: a
        node's status may be drawn a frame before its output)."""
        toggle = self.page.get_by_test_id(f"node-output-toggle-{node}")
        expect(self.output(node).or_(toggle)).to_be_visible()
        if toggle.count():
            toggle.click()
        return self.output(node)

    # ---- running -----------------------------------------------------------------------------
    def run_all(self) -> None:
        """Click Run all; return once the page has sent the run (the run's code may still be loading then)."""
        before = len(self.sent_events("process_file"))
        self.page.get_by_test_id("run-all").click()
        self.wait_sent("process_file", before + 1)

    def wait_idle(self, timeout: float = 15_000) -> None:
        """No run of this page is in progress any more."""
        expect(self.page.get_by_test_id("stop-run")).to_have_count(0, timeout=timeout)
        expect(self.page.get_by_test_id("run-all")).to_be_enabled(timeout=timeout)

    # ---- settings ----------------------------------------------------------------------------
    def set_api_key(self, key: str, value: str) -> None:
        """Type a key in the settings popup and validate (the socket then reconnects)."""
        page = self.page
        page.get_by_test_id("open-settings").click()
        page.get_by_test_id(f"setting-{key}").fill(value)
        page.get_by_test_id("settings-save").click()
        expect(page.get_by_test_id(f"setting-{key}")).to_have_count(0)
        expect(page.get_by_test_id("connection-state")).to_have_attribute("data-state", "connected")

    # ---- side pane: JSON import / export ------------------------------------------------------
    def open_json_pane(self) -> None:
        if not self.page.get_by_test_id("side-pane").is_visible():
            self.page.get_by_test_id("side-pane-toggle").click()
        self.page.get_by_test_id("side-tab-json").click()

    def import_flow(self, flow: list[dict[str, Any]]) -> None:
        self.open_json_pane()
        self.page.get_by_test_id("json-import-input").set_input_files(
            files=[{"name": "flow.json", "mimeType": "application/json", "buffer": json.dumps(flow).encode()}])

    def export_flow(self) -> list[dict[str, Any]]:
        self.open_json_pane()
        with self.page.expect_download() as info:
            self.page.get_by_test_id("json-export").click()
        download = info.value
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / download.suggested_filename
            download.save_as(path)
            return json.loads(path.read_text())

    def local_storage(self, key: str) -> Any:
        """A localStorage entry, JSON-decoded when it is JSON."""
        raw = self.page.evaluate("key => localStorage.getItem(key)", key)
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw
