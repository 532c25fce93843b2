"""The CLI's run tracker: node states from events, streamed text from deltas, a resumed stream's repeats
ignored, the run's outcome and its JSON shape; and the flow's result nodes."""

from __future__ import annotations

from app.cli.arguments import leaf_nodes
from app.cli.tracker import RunTracker


def test_events_fold_into_node_states_text_and_outcome() -> None:
    tracker = RunTracker("r1")
    events = [
        ("current_node_running", {"instanceName": "a"}),
        ("progress", {"instanceName": "a", "isDone": True, "duration": 0.5, "output": "in"}),
        ("progress", {"instanceName": "b", "isDone": False, "queued": True}),
        ("current_node_running", {"instanceName": "b"}),
        ("progress", {"instanceName": "b", "isDone": False, "delta": "Hel", "offset": 0}),
        ("progress", {"instanceName": "b", "isDone": False, "delta": "lo", "offset": 3}),
        ("progress", {"instanceName": "b", "isDone": False, "delta": "LO!", "offset": 3}),  # a rewrite from 3
        ("current_node_running", {"instanceName": "c"}),
        ("error", {"instanceName": "c", "error": "boom"}),
        ("run_end", {"output": {"a": "in"}, "status": "failed", "cancelled": False}),
    ]
    changes = [tracker.apply(seq, name, payload) for seq, (name, payload) in enumerate(events, start=1)]
    assert changes == ["running", "succeeded", "waiting", "running", "text", "text", "text", "running", "failed",
                       "ended"]
    assert tracker.nodes["b"].text == "HelLO!" and tracker.nodes["b"].status == "skipped"
    assert tracker.apply(5, "progress", {"instanceName": "b", "delta": "again", "offset": 0}) is None
    result = tracker.result()
    assert (result["status"], result["error"], result["outputs"]) == ("failed", "c: boom", {"a": "in"})
    assert [(n["name"], n["status"]) for n in result["nodes"]] == [("a", "succeeded"), ("b", "skipped"),
                                                                   ("c", "failed")]


def test_a_cancelled_run_marks_the_nodes_still_going() -> None:
    tracker = RunTracker("r2")
    tracker.apply(1, "current_node_running", {"instanceName": "a"})
    tracker.apply(2, "run_end", {"output": {}, "status": "cancelled", "cancelled": True})
    assert tracker.status == "cancelled" and tracker.nodes["a"].status == "cancelled"


def test_completed_maps_to_succeeded_and_the_result_nodes_are_the_leaves() -> None:
    tracker = RunTracker("r3")
    tracker.apply(1, "run_end", {"output": {}, "status": "completed", "cancelled": False})
    assert tracker.status == "succeeded"
    flow = [{"name": "a"}, {"name": "b", "inputs": [{"inputNode": "a"}]}, {"name": "c", "inputs": [{"inputNode": "a"}]}]
    assert leaf_nodes(flow, None) == ["b", "c"]
    assert leaf_nodes(flow, "a") == ["a"]
