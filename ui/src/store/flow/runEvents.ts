/** A run's events reduced onto the tab that started it: node states, streamed text, outputs, the end. */
import type { FlowTab, NodeData, NodeRunState } from "../../model/types";
import { mapNode, setRunState } from "./tabModel";
import type { EventOutcome, RunEventName } from "./types";

const GOING: ReadonlySet<NodeRunState["status"]> = new Set(["queued", "waiting", "running"]);

/** The run's nodes still going take `status` (the run is over without them). */
export function settleNodes(tab: FlowTab, runId: string, settled: (state: NodeRunState) => NodeRunState): FlowTab {
  const runState = { ...(tab.runState ?? {}) };
  for (const [node, state] of Object.entries(runState)) {
    if (state.runId === runId && GOING.has(state.status)) runState[node] = settled(state);
  }
  return { ...tab, runState };
}

function finished(tab: FlowTab, runId: string, name: string, payload: Record<string, unknown>, now: number): FlowTab {
  const previous = tab.runState?.[name];
  const duration = typeof payload.duration === "number" ? payload.duration : previous?.startedAt ? (now - previous.startedAt) / 1000 : undefined;
  const cache = payload.cached === true ? { cached: true, ...(typeof payload.cachedAt === "string" ? { cachedAt: payload.cachedAt } : {}) } : {};
  const withState = setRunState(tab, name, { status: "done", runId, duration, ...cache });
  return mapNode(withState, name, (n) => {
    const data = { ...n.data, lastRun: new Date(now).toISOString(), isDone: true } as NodeData;
    if ("output" in payload && payload.output !== null) data.outputData = payload.output;
    else delete data.outputData;
    if (n.type === "ai-data-splitter" && Array.isArray(payload.output)) {
      data.nbOutput = Math.max(Number(data.nbOutput ?? 0), payload.output.length);
    }
    return { ...n, data };
  });
}

/** The text of the node streamed so far in this run. */
function heldText(tab: FlowTab, runId: string, name: string): string {
  const previous = tab.runState?.[name];
  return previous?.runId === runId ? previous.stream ?? "" : "";
}

/** A delta starting past the end of the text held: events were missed, applying it would leave a hole. */
export function streamGap(tab: FlowTab, runId: string, event: RunEventName, payload: Record<string, unknown>): boolean {
  const name = payload.instanceName;
  if (event !== "progress" || payload.isDone || typeof name !== "string") return false;
  if (typeof payload.delta !== "string" || typeof payload.offset !== "number") return false;
  return payload.offset > heldText(tab, runId, name).length;
}

function streamed(tab: FlowTab, runId: string, name: string, payload: Record<string, unknown>, now: number): FlowTab {
  const previous = tab.runState?.[name];
  let stream: string;
  if (typeof payload.delta === "string") {
    const base = heldText(tab, runId, name);
    const offset = typeof payload.offset === "number" ? payload.offset : base.length;
    stream = base.slice(0, offset) + payload.delta;
  } else {
    stream = typeof payload.output === "string" ? payload.output : JSON.stringify(payload.output);
  }
  return setRunState(tab, name, { status: "running", runId, startedAt: previous?.startedAt ?? now, stream });
}

function progressed(tab: FlowTab, runId: string, name: string, payload: Record<string, unknown>, now: number): FlowTab {
  if (payload.isDone) return finished(tab, runId, name, payload, now);
  if (payload.queued === true) {
    const previous = tab.runState?.[name];
    return setRunState(tab, name, { status: "waiting", runId, startedAt: previous?.startedAt ?? now, stream: previous?.stream });
  }
  return streamed(tab, runId, name, payload, now);
}

/** What the user is told after an event; `ended` when it ends the run. */
export function eventOutcome(event: RunEventName, payload: Record<string, unknown>): EventOutcome {
  const name = typeof payload.instanceName === "string" ? payload.instanceName : undefined;
  if (event === "run_end") return { ended: { status: String(payload.status ?? "completed"), cancelled: Boolean(payload.cancelled) } };
  if (event !== "error") return {};
  const message = String(payload.error ?? "Unknown error");
  if (name) return { error: { message, node: name } };
  // the run was refused before it started: no run_end follows
  return { error: { message, node: refusedNodes(payload)[0] }, ended: { status: "failed", cancelled: false } };
}

function refusedNodes(payload: Record<string, unknown>): string[] {
  return Array.isArray(payload.nodes) ? (payload.nodes as string[]) : typeof payload.nodeName === "string" ? [payload.nodeName] : [];
}

/** The tab after one event of the run `runId`. */
export function reduceRunEvent(tab: FlowTab, runId: string, event: RunEventName, payload: Record<string, unknown>, now: number): FlowTab {
  const name = typeof payload.instanceName === "string" ? payload.instanceName : undefined;
  // a stopped node keeps the text it had streamed (its partial output)
  const end = (t: FlowTab, cancelled: boolean) =>
    settleNodes(t, runId, (state) => ({
      status: cancelled ? "cancelled" : "skipped", runId, startedAt: state.startedAt,
      ...(cancelled && state.stream !== undefined ? { stream: state.stream } : {}),
    }));
  switch (event) {
    case "current_node_running": {
      if (!name) return tab;
      // running again after waiting for a provider slot: the text streamed so far stays
      const previous = tab.runState?.[name];
      const stream = previous?.runId === runId ? previous.stream : undefined;
      return setRunState(tab, name, { status: "running", runId, startedAt: now, ...(stream !== undefined ? { stream } : {}) });
    }
    case "progress":
      return name ? progressed(tab, runId, name, payload, now) : tab;
    case "error": {
      const message = String(payload.error ?? "Unknown error");
      if (name) {
        const previous = tab.runState?.[name];
        const duration = previous?.startedAt ? (now - previous.startedAt) / 1000 : undefined;
        return setRunState(tab, name, { status: "failed", runId, error: message, duration });
      }
      const failed = refusedNodes(payload).reduce((t, node) => setRunState(t, node, { status: "failed", runId, error: message }), tab);
      return end(failed, false);
    }
    case "run_end":
      return end(tab, Boolean(payload.cancelled));
  }
}
