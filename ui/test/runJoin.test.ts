import type { Socket } from "socket.io-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { joinRun, joinRuns } from "../src/api/runJoin";
import { savedRuns, startKeepingRuns } from "../src/store/activeRuns";
import { emptyTab, selectCurrentTab, useFlow } from "../src/store/flowStore";
import type { JoinAck } from "../src/store/flow/types";
import { useToasts } from "../src/store/toasts";
import { allConfigs } from "./fixtures";
import { MemoryStorage } from "./memoryStorage";

const s = () => useFlow.getState();
const tab = () => selectCurrentTab(s());

type Answer = (timedOut: Error | null, ack?: JoinAck) => void;

/** A socket that records what is emitted and lets the test answer each join. */
class RecordingSocket {
  connected = true;
  sent: { event: string; payload: Record<string, unknown>; answer: Answer; timeoutMs: number }[] = [];
  timeout(ms: number) {
    return { emit: (event: string, payload: Record<string, unknown>, answer: Answer) => this.sent.push({ event, payload, answer, timeoutMs: ms }) };
  }
  asSocket() {
    return this as unknown as Socket;
  }
}

let socket: RecordingSocket;
let node: string;

beforeEach(() => {
  Object.assign(globalThis, { sessionStorage: new MemoryStorage() });
  useFlow.setState({ tabs: [emptyTab()], current: 0, history: {}, runs: {}, clipboard: null, selectedNodeId: null });
  useToasts.setState({ toasts: [] });
  s().setConfigs(allConfigs);
  node = s().addNode("input-text", { x: 0, y: 0 }, { data: { inputText: "hi" } });
  socket = new RecordingSocket();
});

afterEach(() => {
  delete (globalThis as { sessionStorage?: Storage }).sessionStorage;
});

describe("join_run", () => {
  it("asks for every run of the page after the last seq it applied", () => {
    s().startRun("a".repeat(32), "all");
    s().handleEvent("current_node_running", { runId: "a".repeat(32), seq: 1, instanceName: node });
    s().startRun("b".repeat(32), "node", node);
    joinRuns(socket.asSocket());
    expect(socket.sent.map((m) => [m.event, m.payload])).toEqual([
      ["join_run", { runId: "a".repeat(32), afterSeq: 1 }],
      ["join_run", { runId: "b".repeat(32), afterSeq: 0 }],
    ]);
    expect(socket.sent[0].timeoutMs).toBeGreaterThanOrEqual(10_000);
  });

  it("a resync asks from seq 0", () => {
    const runId = "c".repeat(32);
    s().startRun(runId, "all");
    s().handleEvent("current_node_running", { runId, seq: 1, instanceName: node });
    joinRun(socket.asSocket(), runId, "resync");
    expect(socket.sent[0].payload).toEqual({ runId, afterSeq: 0 });
  });

  it("gives the run up, with a toast, when the server says no or does not answer while connected", () => {
    const [r1, r2] = ["d".repeat(32), "e".repeat(32)];
    s().startRun(r1, "all");
    s().startRun(r2, "all");
    joinRuns(socket.asSocket());
    socket.sent[0].answer(null, { ok: false, error: "Run is not running and is not in the run history." });
    expect(s().runs[r1]).toBeUndefined();
    expect(useToasts.getState().toasts.map((t) => t.message)).toEqual(["Run is not running and is not in the run history."]);
    socket.sent[1].answer(new Error("operation has timed out"));
    expect(s().runs).toEqual({});
    expect(tab().runState![node].status).toBe("cancelled");
  });

  it("keeps the run when the join timed out because the connection dropped again (the next connect joins)", () => {
    const runId = "f".repeat(32);
    s().startRun(runId, "all");
    joinRuns(socket.asSocket());
    socket.connected = false;
    socket.sent[0].answer(new Error("operation has timed out"));
    expect(s().runs[runId]).toBeDefined();
  });

  it("a run whose events are all in when the answer says it ended, ends", () => {
    const runId = "0".repeat(32);
    s().startRun(runId, "all");
    s().handleEvent("current_node_running", { runId, seq: 1, instanceName: node });
    joinRuns(socket.asSocket());
    socket.sent[0].answer(null, { ok: true, status: "cancelled", lastSeq: 1 });
    expect(s().runs).toEqual({});
    expect(tab().runState![node].status).toBe("cancelled");
  });
});

describe("runs kept across a reload", () => {
  it("are saved in sessionStorage while they go, without their events, and read back", () => {
    const stop = startKeepingRuns();
    const runId = "1".repeat(32);
    s().startRun(runId, "node", node);
    expect(savedRuns()).toEqual([{ runId, tabId: tab().id, kind: "node", target: node, nodes: [node], startedAt: expect.any(Number) }]);
    s().handleEvent("run_end", { runId, seq: 1, status: "succeeded", cancelled: false });
    expect(savedRuns()).toEqual([]);
    expect(sessionStorage.length).toBe(0);
    stop();
  });

  it("ignore what is not a saved run", () => {
    sessionStorage.setItem("aiflow-active-runs", JSON.stringify([{ runId: 3 }, null, { runId: "x", tabId: "t", kind: "all", nodes: [], startedAt: 1 }]));
    expect(savedRuns().map((r) => r.runId)).toEqual(["x"]);
    sessionStorage.setItem("aiflow-active-runs", "{not json");
    expect(savedRuns()).toEqual([]);
  });
});
