import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../src/api/rest";
import { HistoryUnavailable, PAGE_SIZE, runsApi, type RunSummary } from "../src/api/runsApi";
import { merged } from "../src/components/historyListing";
import { pastRunOnTab } from "../src/store/flow/pastRun";
import { emptyTab, selectCurrentTab, useFlow } from "../src/store/flowStore";
import { allConfigs } from "./fixtures";

const s = () => useFlow.getState();
const tab = () => selectCurrentTab(s());
const realFetch = globalThis.fetch;
let asked: string[];

/** fetch answering every request with `status` and `body` (a string is sent as it is). */
function answer(status: number, body: unknown, type = "application/json") {
  asked = [];
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    asked.push(String(input));
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers: { "Content-Type": type } });
  }) as typeof fetch;
}

afterEach(() => {
  globalThis.fetch = realFetch;
});

describe("the runs API client", () => {
  it("asks for one page of the flow's runs, then the next with the cursor", async () => {
    answer(200, { runs: [{ id: "a", status: "succeeded" }], nextCursor: "c2" });
    expect(await runsApi.list("tab-1 x")).toEqual({ runs: [{ id: "a", status: "succeeded" }], nextCursor: "c2" });
    await runsApi.list("tab-1 x", "c2");
    expect(asked).toEqual([`/api/v1/runs?flowId=tab-1+x&limit=${PAGE_SIZE}`, `/api/v1/runs?flowId=tab-1+x&limit=${PAGE_SIZE}&cursor=c2`]);
  });

  it("tells a server without the run API (404, or the editor's page in its place) from other errors", async () => {
    answer(404, { type: "about:blank", title: "Not Found", status: 404 }, "application/problem+json");
    await expect(runsApi.list("t")).rejects.toBeInstanceOf(HistoryUnavailable);
    answer(200, "<!doctype html><title>AI-Flow</title>", "text/html");
    await expect(runsApi.list("t")).rejects.toBeInstanceOf(HistoryUnavailable);
    answer(422, { type: "about:blank", title: "Unprocessable", status: 422, detail: "limit must be at most 200" }, "application/problem+json");
    const error = await runsApi.list("t").catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe("limit must be at most 200");
  });

  it("gets one run by its id", async () => {
    answer(200, { id: "r/1", status: "failed", nodes: [], outputs: {} });
    expect((await runsApi.get("r/1")).status).toBe("failed");
    expect(asked).toEqual(["/api/v1/runs/r%2F1"]);
  });
});

describe("a past run on the canvas", () => {
  let input: string;
  let llm: string;
  let display: string;

  beforeEach(() => {
    useFlow.setState({ tabs: [emptyTab()], current: 0, history: {}, runs: {}, clipboard: null, selectedNodeId: null });
    s().setConfigs(allConfigs);
    input = s().addNode("input-text", { x: 0, y: 0 }, { data: { inputText: "hi" } });
    llm = s().addNode("llm-prompt", { x: 0, y: 0 }, { data: { prompt: "p", outputData: "an older answer" } });
    display = s().addNode("display", { x: 0, y: 0 });
  });

  const run = () => ({
    id: "r1", endedAt: "2025-01-02T03:04:05Z",
    nodes: [
      { name: input, status: "succeeded", duration: 0.01, output: "hi", error: null },
      { name: llm, status: "failed", duration: 2.5, output: null, error: "Rate limited" },
      { name: display, status: "skipped", duration: null, output: null, error: null },
      { name: "gone#display", status: "succeeded", duration: 0.1, output: "x", error: null },
    ],
    outputs: { [input]: "hi" },
  });

  it("shows each node's final state, duration, error and output, and names the nodes no longer on the tab", () => {
    const { tab: shown, missing } = pastRunOnTab(tab(), run());
    expect(missing).toEqual(["gone#display"]);
    expect(shown.runState![input]).toEqual({ status: "done", runId: "r1", duration: 0.01 });
    expect(shown.runState![llm]).toEqual({ status: "failed", runId: "r1", duration: 2.5, error: "Rate limited" });
    expect(shown.runState![display]).toEqual({ status: "skipped", runId: "r1" });
    const data = (id: string) => shown.nodes.find((n) => n.id === id)!.data;
    expect(data(input)).toMatchObject({ outputData: "hi", isDone: true, lastRun: "2025-01-02T03:04:05Z" });
    expect(data(llm).outputData).toBe("an older answer"); // a failed node keeps what it showed
  });

  it("takes a node's output from the run's outputs when the node record has none, and is undoable", () => {
    const detail = run();
    detail.nodes[0].output = null as unknown as string;
    detail.outputs[input] = "from outputs";
    expect(s().showPastRun(detail)).toEqual(["gone#display"]);
    expect(tab().nodes.find((n) => n.id === input)!.data.outputData).toBe("from outputs");
    s().undo();
    expect(tab().nodes.find((n) => n.id === input)!.data.outputData).toBeUndefined();
  });

  it("a run started with explicit nodes queues only those", () => {
    s().startRun("r2", "all", undefined, [llm]);
    expect(Object.keys(tab().runState!)).toEqual([llm]);
  });
});

describe("the History pane's list", () => {
  const summary = (n: number, status = "succeeded") => ({
    id: `r${n}`, status, createdAt: null, startedAt: new Date(Date.UTC(2025, 0, 1) - n * 60_000).toISOString(), // r0 newest
    endedAt: null, duration: null, startedBy: "editor", target: null, flowId: "t", error: null,
  }) as RunSummary;
  const page = (from: number, to: number, nextCursor: string | null) => ({ runs: Array.from({ length: to - from }, (_, i) => summary(from + i)), nextCursor });

  it("puts a next page below, once", () => {
    const first = { state: "ready" as const, ...page(0, PAGE_SIZE, "c1") };
    const both = merged(first, page(PAGE_SIZE - 1, PAGE_SIZE + 5, null), true);
    expect(both.state === "ready" && both.runs.map((r) => r.id)).toEqual(Array.from({ length: PAGE_SIZE + 5 }, (_, i) => `r${i}`));
    expect(both.state === "ready" && both.nextCursor).toBeNull();
  });

  it("a first page read again replaces the newest runs and keeps the older pages shown", () => {
    const shown = { state: "ready" as const, runs: [...page(0, PAGE_SIZE, null).runs, summary(PAGE_SIZE), summary(PAGE_SIZE + 1)], nextCursor: "c2" };
    // a new run came first (r-1, the newest), r0 ended meanwhile
    const again = { runs: [{ ...summary(-1), status: "running" as const }, { ...summary(0), status: "failed" as const }, ...page(1, PAGE_SIZE - 1, null).runs], nextCursor: "c1" };
    const list = merged(shown, again, false);
    if (list.state !== "ready") throw new Error("not ready");
    expect(list.runs.map((r) => r.id)).toEqual(["r-1", ...Array.from({ length: PAGE_SIZE + 2 }, (_, i) => `r${i}`)]);
    expect(list.runs[1].status).toBe("failed");
    expect(list.nextCursor).toBe("c2");
  });

  it("with one page shown, a first page read again is the list", () => {
    const shown = { state: "ready" as const, ...page(0, 3, null) };
    expect(merged(shown, page(0, 2, null), false)).toEqual({ state: "ready", ...page(0, 2, null) });
  });
});
