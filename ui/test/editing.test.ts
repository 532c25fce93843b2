import { beforeEach, describe, expect, it } from "vitest";
import { shownOutput } from "../src/model/outputLook";
import { emptyTab, normaliseTabs, selectCurrentTab, useFlow } from "../src/store/flowStore";
import { allConfigs, referenceExport } from "./fixtures";

const s = () => useFlow.getState();
const tab = () => selectCurrentTab(s());
const ids = () => tab().nodes.map((n) => n.id).sort();

beforeEach(() => {
  useFlow.setState({ tabs: [emptyTab()], current: 0, history: {}, runs: {}, clipboard: null, selectedNodeId: null, closedTab: null });
  s().setConfigs(allConfigs);
});

/** a -> b -> c, linked output 0 to input 0. */
function chain(): [string, string, string] {
  const a = s().addNode("input-text", { x: 0, y: 0 }, { data: { inputText: "hi" } });
  const b = s().addNode("llm-prompt", { x: 400, y: 0 }, { data: { prompt: "p" } });
  const c = s().addNode("display", { x: 800, y: 0 });
  s().connect({ source: a, target: b, sourceHandle: "handle-out-0", targetHandle: "handle-in-1" });
  s().connect({ source: b, target: c, sourceHandle: "handle-out-0", targetHandle: "handle-in-0" });
  return [a, b, c];
}

const select = (chosen: string[]) =>
  s().onNodesChange(tab().nodes.map((n) => ({ type: "select", id: n.id, selected: chosen.includes(n.id) })));

describe("undo: one step per user action", () => {
  it("deleting the selection takes its links, and one undo brings both back", () => {
    const [a, b, c] = chain();
    const before = { nodes: ids(), edges: tab().edges.map((e) => e.id).sort() };
    select([b]);
    expect(s().removeSelection()).toBe(1);
    expect(ids()).toEqual([a, c].sort());
    expect(tab().edges).toEqual([]);
    s().undo();
    expect(ids()).toEqual(before.nodes);
    expect(tab().edges.map((e) => e.id).sort()).toEqual(before.edges);
  });

  it("two deletions in a row are two steps", () => {
    const [a, b, c] = chain();
    s().removeNodes([a]);
    s().removeNodes([b]);
    s().undo();
    expect(ids()).toEqual([b, c].sort());
    s().undo();
    expect(ids()).toHaveLength(3);
  });

  it("a selected edge alone is deleted, undoably", () => {
    chain();
    const edge = tab().edges[0].id;
    select([]);
    s().onEdgesChange([{ type: "select", id: edge, selected: true }]);
    expect(s().removeSelection()).toBe(1);
    expect(tab().edges.map((e) => e.id)).not.toContain(edge);
    s().undo();
    expect(tab().edges.map((e) => e.id)).toContain(edge);
  });

  it("duplicating two nodes is one step: one undo removes both copies, redo brings both back", () => {
    const [a, b] = chain();
    const copies = s().duplicateNodes([a, b]);
    expect(copies).toHaveLength(2);
    expect(tab().nodes).toHaveLength(5);
    s().undo();
    expect(tab().nodes).toHaveLength(3);
    s().redo();
    expect(ids()).toEqual(expect.arrayContaining(copies));
  });

  it("a paste of linked nodes, a tidy layout and an import are one step each", () => {
    const [a, b] = chain();
    s().copy([a, b]);
    s().paste();
    expect(tab().nodes).toHaveLength(5);
    expect(tab().edges).toHaveLength(3);
    const positions = tab().nodes.map((n) => n.position);
    s().autoLayout();
    s().importFlow(referenceExport);
    expect(tab().nodes).toHaveLength(3);
    s().undo(); // the import
    expect(tab().nodes).toHaveLength(5);
    s().undo(); // the layout
    expect(tab().nodes.map((n) => n.position)).toEqual(positions);
    s().undo(); // the paste, nodes and edges together
    expect(tab().nodes).toHaveLength(3);
    expect(tab().edges).toHaveLength(2);
  });
});

describe("closing a tab", () => {
  it("can be undone: the tab comes back at its place, with its nodes and its undo history", () => {
    const [a] = chain();
    s().addTab(undefined, true);
    s().addTab(undefined, false);
    s().selectTab(0);
    const closed = tab().id;
    expect(s().removeTab(0)).toBe(true);
    expect(s().tabs.map((t) => t.id)).not.toContain(closed);
    expect(s().reopenClosedTab()).toBe(true);
    expect(s().current).toBe(0);
    expect(tab().id).toBe(closed);
    expect(tab().nodes.map((n) => n.id)).toContain(a);
    s().undo();
    expect(tab().edges).toHaveLength(1);
    expect(s().reopenClosedTab()).toBe(false);
  });
});

describe("run states on the nodes", () => {
  it("a node served from the cache is marked cached with the time it was computed, kept across a reload", () => {
    const [a] = chain();
    s().startRun("rc", "all");
    s().handleEvent("progress", { runId: "rc", seq: 1, instanceName: a, isDone: true, output: "hi", duration: 0.001, cached: true, cachedAt: "2026-01-02T03:04:05Z" });
    expect(tab().runState![a]).toMatchObject({ status: "done", cached: true, cachedAt: "2026-01-02T03:04:05Z" });
    expect(normaliseTabs([tab()])[0].runState![a]).toMatchObject({ cached: true, cachedAt: "2026-01-02T03:04:05Z" });
    s().startRun("rf", "all");
    s().handleEvent("progress", { runId: "rf", seq: 1, instanceName: a, isDone: true, output: "hi", duration: 0.2 });
    expect(tab().runState![a].cached).toBeUndefined();
  });

  it("a stopped run leaves the streamed text on its node, marked partial, never the previous output", () => {
    const [, b] = chain();
    s().updateNodeData(b, { outputData: "previous answer" }, false);
    s().startRun("rs", "all");
    expect(shownOutput(tab().runState![b], "previous answer").look).toBe("stale");
    s().handleEvent("current_node_running", { runId: "rs", seq: 1, instanceName: b });
    expect(shownOutput(tab().runState![b], "previous answer")).toEqual({ value: "previous answer", look: "stale" });
    s().handleEvent("progress", { runId: "rs", seq: 2, instanceName: b, isDone: false, delta: "Half a", offset: 0 });
    expect(shownOutput(tab().runState![b], "previous answer")).toEqual({ value: "Half a", look: "streaming" });
    s().handleEvent("run_end", { runId: "rs", seq: 3, status: "cancelled", cancelled: true });
    expect(tab().runState![b]).toMatchObject({ status: "cancelled", stream: "Half a" });
    expect(shownOutput(tab().runState![b], "previous answer")).toEqual({ value: "Half a", look: "partial" });
    // the partial text survives a reload; the previous output is still the node's output (not replaced)
    expect(normaliseTabs([tab()])[0].runState![b]).toMatchObject({ status: "cancelled", stream: "Half a" });
    expect(tab().nodes.find((n) => n.id === b)!.data.outputData).toBe("previous answer");
  });

  it("a node the stop caught before it streamed shows its old output as not current", () => {
    const [, , c] = chain();
    s().startRun("rq", "all");
    s().handleEvent("run_end", { runId: "rq", seq: 1, status: "cancelled", cancelled: true });
    expect(shownOutput(tab().runState![c], "old").look).toBe("stale");
    expect(shownOutput(undefined, "old").look).toBe("current");
    expect(shownOutput({ status: "done" }, "new").look).toBe("current");
  });

  it("a run abandoned (connection lost) keeps the streamed text too", () => {
    const [, b] = chain();
    s().startRun("ra", "all");
    s().handleEvent("progress", { runId: "ra", seq: 1, instanceName: b, isDone: false, delta: "So far", offset: 0 });
    s().abandonRuns("lost");
    expect(tab().runState![b]).toMatchObject({ status: "cancelled", stream: "So far", error: "lost" });
  });
});
