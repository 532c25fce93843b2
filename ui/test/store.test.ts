import { beforeEach, describe, expect, it } from "vitest";
import { emptyTab, remapEdges, selectCurrentTab, useFlow } from "../src/store/flowStore";
import { allConfigs, referenceExport } from "./fixtures";

const s = () => useFlow.getState();
const tab = () => selectCurrentTab(s());

beforeEach(() => {
  useFlow.setState({ tabs: [emptyTab()], current: 0, history: {}, runs: {}, clipboard: null, selectedNodeId: null });
  s().setConfigs(allConfigs);
});

describe("nodes and edges", () => {
  it("adds a node named xxxxxxxxx#type with its config and default values", () => {
    const name = s().addNode("llm-prompt", { x: 10, y: 20 });
    expect(name).toMatch(/^[a-z0-9]{9}#llm-prompt$/);
    const node = tab().nodes[0];
    expect(node).toMatchObject({ id: name, type: "llm-prompt", position: { x: 10, y: 20 } });
    expect(node.data).toMatchObject({ name, processorType: "llm-prompt", model: "gpt-4.1-mini", web_search: false, af_node_version: 2, search_context_size: "medium" });
    expect(node.data.config.nodeName).toBe("LLMPrompt");
  });

  it("removes a node with its edges", () => {
    const a = s().addNode("input-text", { x: 0, y: 0 });
    const b = s().addNode("display", { x: 0, y: 0 });
    s().connect({ source: a, target: b, sourceHandle: "handle-out-0", targetHandle: "handle-in-0" });
    expect(tab().edges).toHaveLength(1);
    s().removeNodes([a]);
    expect(tab().nodes.map((n) => n.id)).toEqual([b]);
    expect(tab().edges).toEqual([]);
  });

  it("keeps one edge per input: a new connection replaces the old one", () => {
    const a = s().addNode("input-text", { x: 0, y: 0 });
    const b = s().addNode("input-text", { x: 0, y: 0 });
    const m = s().addNode("merger-prompt", { x: 0, y: 0 });
    s().connect({ source: a, target: m, sourceHandle: "handle-out-0", targetHandle: "handle-in-0" });
    s().connect({ source: b, target: m, sourceHandle: "handle-out-0", targetHandle: "handle-in-0" });
    expect(tab().edges.map((e) => [e.source, e.targetHandle])).toEqual([[b, "handle-in-0"]]);
    s().connect({ source: a, target: m, sourceHandle: "handle-out-0", targetHandle: "handle-in-1" });
    expect(tab().edges).toHaveLength(2);
  });

  it("refuses self connections and fans outputs out", () => {
    const a = s().addNode("input-text", { x: 0, y: 0 });
    expect(s().connect({ source: a, target: a, sourceHandle: "handle-out-0", targetHandle: "handle-in-0" })).toBe(false);
    const d1 = s().addNode("display", { x: 0, y: 0 });
    const d2 = s().addNode("display", { x: 0, y: 0 });
    s().connect({ source: a, target: d1, sourceHandle: null, targetHandle: null });
    s().connect({ source: a, target: d2, sourceHandle: null, targetHandle: null });
    expect(tab().edges).toHaveLength(2);
  });

  it("moves named-handle edges when a condition changes the fields, and drops orphans", () => {
    const t = s().addNode("input-text", { x: 0, y: 0 });
    const l = s().addNode("llm-prompt", { x: 0, y: 0 }, { data: { model: "gpt-4o" } });
    // fields whose condition holds: model, context, prompt, web_search, af_node_version -> prompt is index 2
    s().connect({ source: t, target: l, sourceHandle: "handle-out-0", targetHandle: "handle-in-2" });
    s().setFieldValue(l, "web_search", true); // search_context_size appears after prompt: index unchanged
    expect(tab().edges[0].targetHandle).toBe("handle-in-2");
    const t2 = s().addNode("input-text", { x: 0, y: 0 });
    s().connect({ source: t2, target: l, sourceHandle: "handle-out-0", targetHandle: "handle-in-3" }); // web_search
    s().setFieldValue(l, "model", "o3"); // web_search disappears
    expect(tab().edges.map((e) => [e.source, e.targetHandle])).toEqual([[t, "handle-in-2"]]);
  });

  it("remapEdges keeps edges of nodes without input names", () => {
    const data = { name: "d", processorType: "display", config: allConfigs[4] };
    const edges = [{ id: "e", source: "x", target: "d", targetHandle: "handle-in-0" }];
    expect(remapEdges(data, { ...data }, "d", edges)).toBe(edges);
  });
});

describe("undo and redo", () => {
  it("undoes and redoes additions, removals and field edits", () => {
    const a = s().addNode("input-text", { x: 0, y: 0 });
    s().setFieldValue(a, "inputText", "h");
    s().setFieldValue(a, "inputText", "hello"); // coalesced with the previous keystroke
    s().removeNodes([a]);
    expect(tab().nodes).toHaveLength(0);
    s().undo();
    expect(tab().nodes[0].data.inputText).toBe("hello");
    s().undo();
    expect(tab().nodes[0].data.inputText).toBeUndefined();
    s().undo();
    expect(tab().nodes).toHaveLength(0);
    expect(s().canUndo()).toBe(false);
    s().redo();
    s().redo();
    expect(tab().nodes[0].data.inputText).toBe("hello");
    expect(s().canRedo()).toBe(true);
    s().addNode("display", { x: 0, y: 0 });
    expect(s().canRedo()).toBe(false);
  });

  it("keeps one history per tab", () => {
    s().addNode("input-text", { x: 0, y: 0 });
    s().addTab(undefined, true);
    expect(s().canUndo()).toBe(false);
    s().selectTab(0);
    expect(s().canUndo()).toBe(true);
  });
});

describe("copy and paste", () => {
  it("pastes copies with new names, inner edges kept, into another tab", () => {
    const a = s().addNode("input-text", { x: 0, y: 0 }, { data: { inputText: "x" } });
    const b = s().addNode("display", { x: 300, y: 0 });
    s().connect({ source: a, target: b, sourceHandle: "handle-out-0", targetHandle: "handle-in-0" });
    expect(s().copy([a, b])).toBe(2);
    s().addTab(undefined, true);
    const names = s().paste();
    expect(names).toHaveLength(2);
    expect(names.some((n) => n === a || n === b)).toBe(false);
    expect(tab().nodes.map((n) => n.data.name)).toEqual(names);
    expect(tab().nodes[0].data.inputText).toBe("x");
    expect(tab().edges).toEqual([expect.objectContaining({ source: names[0], target: names[1], targetHandle: "handle-in-0" })]);
  });
});

describe("runs", () => {
  it("marks missing fields before a run", () => {
    const a = s().addNode("input-text", { x: 0, y: 0 });
    const report = s().checkBeforeRun();
    expect(report.ok).toBe(false);
    expect(tab().nodes[0].data.missingFields).toEqual(["inputText"]);
    s().setFieldValue(a, "inputText", "ok");
    expect(s().checkBeforeRun().ok).toBe(true);
    expect(tab().nodes[0].data.missingFields).toBeUndefined();
  });

  it("follows a run's events: queued, running, streamed deltas, done with duration, run_end", () => {
    const a = s().addNode("input-text", { x: 0, y: 0 }, { data: { inputText: "hi" } });
    const b = s().addNode("llm-prompt", { x: 0, y: 0 }, { data: { prompt: "p" } });
    s().startRun("r1", "all");
    expect(tab().runState![a].status).toBe("queued");
    s().handleEvent("current_node_running", { runId: "r1", seq: 1, instanceName: b, isDone: false });
    expect(tab().runState![b].status).toBe("running");
    s().handleEvent("progress", { runId: "r1", seq: 2, instanceName: b, isDone: false, delta: "Lorem", offset: 0 });
    s().handleEvent("progress", { runId: "r1", seq: 3, instanceName: b, isDone: false, delta: " ipsum", offset: 5 });
    expect(tab().runState![b].stream).toBe("Lorem ipsum");
    s().handleEvent("progress", { runId: "r1", seq: 4, instanceName: b, isDone: false, output: "Lorem ipsum dolor" });
    expect(tab().runState![b].stream).toBe("Lorem ipsum dolor");
    s().handleEvent("progress", { runId: "r1", seq: 5, instanceName: b, isDone: true, output: "Lorem ipsum dolor sit", duration: 1.25 });
    expect(tab().runState![b]).toMatchObject({ status: "done", duration: 1.25 });
    const data = tab().nodes.find((n) => n.id === b)!.data;
    expect(data.outputData).toBe("Lorem ipsum dolor sit");
    expect(data.isDone).toBe(true);
    expect(s().runs.r1).toBeDefined();
    const outcome = s().handleEvent("run_end", { runId: "r1", seq: 6, output: {}, status: "completed", cancelled: false });
    expect(outcome.ended).toEqual({ status: "completed", cancelled: false });
    expect(s().runs.r1).toBeUndefined();
    expect(tab().runState![a].status).toBe("skipped"); // never ran
  });

  it("shows a node waiting for a provider slot, then running again", () => {
    const b = s().addNode("llm-prompt", { x: 0, y: 0 }, { data: { prompt: "p" } });
    s().startRun("rq", "all");
    s().handleEvent("current_node_running", { runId: "rq", seq: 1, instanceName: b, isDone: false });
    s().handleEvent("progress", { runId: "rq", seq: 2, instanceName: b, isDone: false, queued: true });
    expect(tab().runState![b].status).toBe("waiting");
    expect(tab().runState![b].stream).toBeUndefined();
    s().handleEvent("current_node_running", { runId: "rq", seq: 3, instanceName: b, isDone: false });
    expect(tab().runState![b].status).toBe("running");
    s().handleEvent("progress", { runId: "rq", seq: 4, instanceName: b, isDone: false, queued: true });
    s().handleEvent("run_end", { runId: "rq", seq: 5, output: {}, status: "cancelled", cancelled: true });
    expect(tab().runState![b].status).toBe("cancelled");
  });

  it("shows a node's error on that node and cancels the rest on a cancelled run_end", () => {
    const a = s().addNode("input-text", { x: 0, y: 0 }, { data: { inputText: "hi" } });
    const b = s().addNode("display", { x: 0, y: 0 });
    s().startRun("r2", "all");
    s().handleEvent("current_node_running", { runId: "r2", instanceName: a });
    const outcome = s().handleEvent("error", { runId: "r2", instanceName: a, isDone: false, error: "Boom" });
    expect(outcome.error).toEqual({ message: "Boom", node: a });
    expect(tab().runState![a]).toMatchObject({ status: "failed", error: "Boom" });
    s().handleEvent("run_end", { runId: "r2", status: "cancelled", cancelled: true });
    expect(tab().runState![b].status).toBe("cancelled");
  });

  it("ends a run refused before it started, marking the nodes named by the server", () => {
    const a = s().addNode("input-text", { x: 0, y: 0 });
    s().startRun("r3", "node", a);
    const outcome = s().handleEvent("error", { runId: "r3", error: "Node is missing 'inputText'.", nodes: [a], nodeName: a });
    expect(outcome.ended?.status).toBe("failed");
    expect(tab().runState![a]).toMatchObject({ status: "failed", error: "Node is missing 'inputText'." });
    expect(s().runs).toEqual({});
  });

  it("ignores events of unknown runs and updates the run's own tab after a tab switch", () => {
    const a = s().addNode("input-text", { x: 0, y: 0 }, { data: { inputText: "hi" } });
    s().startRun("r4", "node", a);
    s().addTab(undefined, true);
    s().handleEvent("progress", { runId: "other", instanceName: a, isDone: true, output: "nope" });
    s().handleEvent("progress", { runId: "r4", instanceName: a, isDone: true, output: "yes" });
    expect(s().tabs[0].nodes[0].data.outputData).toBe("yes");
    expect(selectCurrentTab(s()).nodes).toEqual([]);
  });

  it("imports a reference flow into the current tab, undoably", () => {
    s().importFlow(referenceExport);
    expect(tab().nodes).toHaveLength(3);
    expect(tab().edges).toHaveLength(3);
    s().undo();
    expect(tab().nodes).toHaveLength(0);
  });
});
