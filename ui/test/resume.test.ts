import { beforeEach, describe, expect, it } from "vitest";
import { emptyTab, selectCurrentTab, useFlow, type RunEventName } from "../src/store/flowStore";
import { allConfigs } from "./fixtures";

const s = () => useFlow.getState();
const tab = () => selectCurrentTab(s());
type Logged = [RunEventName, Record<string, unknown>];

let input: string;
let llm: string;

/** The server's log of one run: input done, the llm streams "Lorem ipsum dolor sit amet" in deltas, run_end. */
function serverLog(runId: string): Logged[] {
  const pieces = ["Lorem", " ipsum", " dolor", " sit", " amet"];
  const log: Logged[] = [
    ["current_node_running", { instanceName: input, isDone: false }],
    ["progress", { instanceName: input, isDone: true, output: "hi", duration: 0.01 }],
    ["current_node_running", { instanceName: llm, isDone: false }],
  ];
  let offset = 0;
  for (const delta of pieces) {
    log.push(["progress", { instanceName: llm, isDone: false, delta, offset }]);
    offset += delta.length;
  }
  log.push(["progress", { instanceName: llm, isDone: true, output: pieces.join(""), duration: 1.5 }]);
  log.push(["run_end", { output: {}, status: "succeeded", cancelled: false }]);
  return log.map(([event, payload], i) => [event, { ...payload, runId, seq: i + 1 }]);
}

const deliver = (events: Logged[]) => events.map(([event, payload]) => s().handleEvent(event, payload));
const after = (log: Logged[], seq: number) => log.filter(([, p]) => (p.seq as number) > seq);
const upTo = (log: Logged[], seq: number) => log.filter(([, p]) => (p.seq as number) <= seq);
const llmData = () => tab().nodes.find((n) => n.id === llm)!.data;

beforeEach(() => {
  useFlow.setState({ tabs: [emptyTab()], current: 0, history: {}, runs: {}, clipboard: null, selectedNodeId: null });
  s().setConfigs(allConfigs);
  input = s().addNode("input-text", { x: 0, y: 0 }, { data: { inputText: "hi" } });
  llm = s().addNode("llm-prompt", { x: 0, y: 0 }, { data: { prompt: "p" } });
});

describe("seq order", () => {
  it("ignores events already applied: a node done does not run again, a delta is not doubled", () => {
    const log = serverLog("r1");
    s().startRun("r1", "all");
    deliver(upTo(log, 5));
    deliver(upTo(log, 5).slice(3)); // the first delta again
    expect(tab().runState![llm].stream).toBe("Lorem ipsum");
    deliver(upTo(log, 9));
    deliver(upTo(log, 5).slice(2)); // the llm's start and first deltas again, after it is done
    expect(tab().runState![llm]).toMatchObject({ status: "done", duration: 1.5 });
    expect(llmData().outputData).toBe("Lorem ipsum dolor sit amet");
    expect(s().runs.r1.lastSeq).toBe(9);
  });
});

describe("resume after a dropped connection", () => {
  it("joins after the last seq seen and ends with the same text as a run never interrupted", () => {
    const log = serverLog("r1");
    s().startRun("r1", "all");
    deliver(upTo(log, 5));
    s().joinStarted("r1", "resume");
    expect(s().runs.r1.lastSeq).toBe(5); // join_run {afterSeq: 5}
    deliver(after(log, 4)); // a server that replays one event too many: the double is dropped
    expect(s().runs.r1).toBeUndefined();
    expect(llmData().outputData).toBe("Lorem ipsum dolor sit amet");
    expect(tab().runState![llm]).toMatchObject({ status: "done", duration: 1.5 });
    expect(tab().runState![input].status).toBe("done");
  });

  it("a stream continued after the join grows from the text held", () => {
    const log = serverLog("r1");
    s().startRun("r1", "all");
    deliver(upTo(log, 6));
    s().joinStarted("r1", "resume");
    deliver(after(log, 6).slice(0, 2));
    expect(tab().runState![llm].stream).toBe("Lorem ipsum dolor sit amet");
    expect(tab().runState![llm].status).toBe("running");
  });
});

describe("resume after a reload", () => {
  it("takes the saved run back with its nodes queued and rebuilds it from seq 0", () => {
    const log = serverLog("r1");
    const tabId = tab().id;
    s().resumeRuns([{ runId: "r1", tabId, kind: "all", nodes: [input, llm], startedAt: 1 }]);
    s().resumeRuns([{ runId: "r1", tabId, kind: "all", nodes: [input, llm], startedAt: 1 }]); // once only
    expect(Object.keys(s().runs)).toEqual(["r1"]);
    expect(tab().runState![llm]).toEqual({ status: "queued", runId: "r1" });
    s().joinStarted("r1", "resume");
    expect(s().runs.r1.lastSeq).toBe(0);
    deliver(upTo(log, 7));
    expect(tab().runState![llm].stream).toBe("Lorem ipsum dolor sit");
    deliver(after(log, 7));
    expect(llmData().outputData).toBe("Lorem ipsum dolor sit amet");
  });

  it("ignores saved runs of tabs that are gone", () => {
    s().resumeRuns([{ runId: "r9", tabId: "tab-gone", kind: "all", nodes: [], startedAt: 1 }]);
    expect(s().runs).toEqual({});
  });
});

describe("a stream with a hole", () => {
  it("asks for the run from its start instead of corrupting the text, taking the replay strictly in order", () => {
    const log = serverLog("r1");
    s().startRun("r1", "all");
    deliver(upTo(log, 4)); // "Lorem"
    const [outcome] = deliver(log.slice(5, 6)); // seq 6 (" dolor" at offset 11): seq 5 was lost
    expect(outcome).toEqual({ resync: true });
    expect(tab().runState![llm].stream).toBe("Lorem");
    s().joinStarted("r1", "resync");
    expect(tab().runState![llm]).toEqual({ status: "queued", runId: "r1" });
    deliver(log.slice(6, 7)); // a live event arrives before the replay: not in order, dropped
    expect(tab().runState![llm].status).toBe("queued");
    deliver(upTo(log, 7)); // the replay
    expect(tab().runState![llm].stream).toBe("Lorem ipsum dolor sit");
    expect(s().joinAnswered("r1", { ok: true, status: "running", lastSeq: 7 })).toEqual({});
    expect(s().runs.r1.joining).toBeUndefined();
    deliver(after(log, 7));
    expect(llmData().outputData).toBe("Lorem ipsum dolor sit amet");
  });

  it("asks only once: a second hole leaves the text as it is until the output comes", () => {
    const log = serverLog("r1");
    s().startRun("r1", "all");
    deliver(upTo(log, 4));
    expect(deliver(log.slice(5, 6))[0].resync).toBe(true);
    s().joinStarted("r1", "resync");
    s().joinAnswered("r1", { ok: true, status: "running", lastSeq: 0 });
    deliver(upTo(log, 4));
    expect(deliver(log.slice(5, 6))[0]).toEqual({});
    expect(tab().runState![llm].stream).toBe("Lorem");
    deliver(after(log, 8));
    expect(llmData().outputData).toBe("Lorem ipsum dolor sit amet");
  });
});

describe("the join's answer", () => {
  it("ends a run that ended on the server without a run_end among its events, once they are all in", () => {
    const log = serverLog("r1").slice(0, 5);
    s().startRun("r1", "all");
    deliver(upTo(log, 3));
    s().joinStarted("r1", "resume");
    s().joinAnswered("r1", { ok: true, status: "interrupted", lastSeq: 5 });
    expect(s().runs.r1).toBeDefined();
    const outcomes = deliver(after(log, 3));
    expect(outcomes[1].ended).toEqual({ status: "interrupted", cancelled: true });
    expect(s().runs.r1).toBeUndefined();
    expect(tab().runState![llm].status).toBe("cancelled");
  });

  it("a join the server refuses (unknown run) leaves the run cancelled with the server's message", () => {
    s().startRun("r1", "all");
    s().joinStarted("r1", "resume");
    const outcome = s().handleEvent("error", { runId: "r1", error: "Run 'r1' is not running and is not in the run history." });
    expect(outcome.error?.message).toContain("not in the run history");
    expect(s().runs).toEqual({});
    expect(tab().runState![llm]).toMatchObject({ status: "cancelled", error: expect.stringContaining("not in the run history") });
  });
});
