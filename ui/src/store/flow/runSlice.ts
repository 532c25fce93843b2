/** Slice: the runs going on, started from the current tab or taken back after a reload, their events
 * applied in seq order to the tab that started them. */
import type { FlowTab, NodeData } from "../../model/types";
import { checkRequired, nodesForSingleRun } from "../../model/validation";
import { eventOutcome, reduceRunEvent, settleNodes, streamGap } from "./runEvents";
import { currentTab, mapNode, tabUpdate } from "./tabModel";
import type { EventOutcome, FlowSlice, RunInfo, RunSlice } from "./types";

const ENDED_STATUSES = new Set(["succeeded", "failed", "cancelled", "interrupted", "completed"]);

/** The run's nodes back to queued, what they streamed forgotten (a run starting, or rebuilt from its start). */
function queueNodes(tab: FlowTab, run: RunInfo): FlowTab {
  const runState = { ...(tab.runState ?? {}) };
  for (const name of run.nodes) runState[name] = { status: "queued", runId: run.runId };
  return { ...tab, runState };
}

function endEvent(status: string): Record<string, unknown> {
  return { status, cancelled: status === "cancelled" || status === "interrupted" };
}

/** An event is taken when it is newer than the last one applied; while a resync catches up, only the next one. */
function accepts(run: RunInfo, seq: number | undefined): boolean {
  if (seq === undefined) return true;
  if (seq <= run.lastSeq) return false;
  return run.joining !== "resync" || seq === run.lastSeq + 1;
}

export const createRunSlice: FlowSlice<RunSlice> = (set, get) => {
  const patchRun = (runId: string, patch: Partial<RunInfo>) =>
    set((state) => (state.runs[runId] ? { runs: { ...state.runs, [runId]: { ...state.runs[runId], ...patch } } } : {}));
  const dropRun = (runId: string) =>
    set((state) => {
      const runs = { ...state.runs };
      delete runs[runId];
      return { runs };
    });
  /** Apply an event to the run's tab; the run is forgotten when the event ends it. */
  const apply = (run: RunInfo, event: Parameters<RunSlice["handleEvent"]>[0], payload: Record<string, unknown>): EventOutcome => {
    const now = Date.now();
    set(tabUpdate((tab) => reduceRunEvent(tab, run.runId, event, payload, now), run.tabId));
    const outcome = eventOutcome(event, payload);
    if (outcome.ended) dropRun(run.runId);
    return outcome;
  };
  /** A join caught up with the server's answer: strict order ends; a run that ended there ends here. */
  const caughtUp = (run: RunInfo): EventOutcome => {
    patchRun(run.runId, { joining: undefined, catchUpTo: undefined, endedAs: undefined });
    return run.endedAs ? apply(run, "run_end", { runId: run.runId, ...endEvent(run.endedAs) }) : {};
  };

  return {
    runs: {},

    checkBeforeRun: (target) => {
      const tab = currentTab(get());
      const scope = target ? nodesForSingleRun(target, tab.nodes, tab.edges) : undefined;
      const report = checkRequired(tab.nodes, tab.edges, scope);
      const missing = new Map(report.problems.map((p) => [p.node, p.fields]));
      set(tabUpdate((t) => ({
        ...t,
        nodes: t.nodes.map((n) => {
          const fields = missing.get(n.id);
          const inScope = !scope || scope.includes(n.id);
          if (fields) return { ...n, data: { ...n.data, missingFields: fields } };
          if (inScope && n.data.missingFields) {
            const data = { ...n.data };
            delete data.missingFields;
            return { ...n, data };
          }
          return n;
        }),
      })));
      return report;
    },
    startRun: (runId, kind, target, chosen) => {
      const tab = currentTab(get());
      const nodes = chosen ?? (kind === "all" ? tab.nodes.map((n) => n.id) : nodesForSingleRun(target!, tab.nodes, tab.edges));
      const run: RunInfo = { runId, tabId: tab.id, kind, target, nodes, startedAt: Date.now(), lastSeq: 0 };
      set((state) => ({ runs: { ...state.runs, [runId]: run } }));
      set(tabUpdate((t) => queueNodes(t, run)));
      return run;
    },
    markStopping: (runId) =>
      set((state) => {
        const runs = { ...state.runs };
        for (const id of Object.keys(runs)) if (!runId || id === runId) runs[id] = { ...runs[id], stopping: true };
        return { runs };
      }),
    handleEvent: (event, payload) => {
      const runId = typeof payload.runId === "string" ? payload.runId : undefined;
      const run = runId ? get().runs[runId] : undefined;
      if (!run) {
        const outcome: EventOutcome = {};
        if (event === "error" && !runId) outcome.error = { message: String(payload.error ?? "Unknown error"), node: (payload.instanceName ?? payload.nodeName) as string | undefined };
        return outcome;
      }
      const seq = typeof payload.seq === "number" ? payload.seq : undefined;
      if (!accepts(run, seq)) return {};
      if (event === "error" && typeof payload.instanceName !== "string" && run.joining && seq === undefined) {
        // the server refused the join (unknown run): the run is lost, not failed
        const message = String(payload.error ?? "Unknown error");
        get().abandonRuns(message, [run.runId]);
        return { error: { message }, ended: { status: "cancelled", cancelled: true } };
      }
      const tab = get().tabs.find((t) => t.id === run.tabId);
      if (tab && streamGap(tab, run.runId, event, payload)) return run.resynced ? {} : { resync: true };
      const outcome = apply(run, event, payload);
      if (outcome.ended || seq === undefined) return outcome;
      const updated = { ...run, lastSeq: seq };
      patchRun(run.runId, { lastSeq: seq });
      return updated.catchUpTo !== undefined && seq >= updated.catchUpTo ? { ...outcome, ...caughtUp(updated) } : outcome;
    },
    resumeRuns: (saved) => {
      for (const entry of saved) {
        if (get().runs[entry.runId] || !get().tabs.some((t) => t.id === entry.tabId)) continue;
        const run: RunInfo = { ...entry, lastSeq: 0 };
        set((state) => ({ runs: { ...state.runs, [run.runId]: run } }));
        set(tabUpdate((t) => queueNodes(t, run), run.tabId));
      }
    },
    joinStarted: (runId, mode) => {
      const run = get().runs[runId];
      if (!run) return;
      if (mode === "resync") {
        patchRun(runId, { joining: mode, lastSeq: 0, catchUpTo: undefined, endedAs: undefined, resynced: true });
        set(tabUpdate((t) => queueNodes(t, run), run.tabId));
      } else {
        patchRun(runId, { joining: run.joining === "resync" ? "resync" : mode, catchUpTo: undefined, endedAs: undefined });
      }
    },
    joinAnswered: (runId, ack) => {
      const run = get().runs[runId];
      if (!run) return {};
      const endedAs = ack.status && ENDED_STATUSES.has(ack.status) ? ack.status : undefined;
      const updated: RunInfo = { ...run, catchUpTo: ack.lastSeq ?? run.lastSeq, endedAs };
      if (run.lastSeq >= updated.catchUpTo!) return caughtUp(updated);
      patchRun(runId, { catchUpTo: updated.catchUpTo, endedAs });
      return {};
    },
    replaceOutput: (name, from, to, tabId) =>
      set(tabUpdate((tab) => mapNode(tab, name, (n) => (n.data.outputData === from ? { ...n, data: { ...n.data, outputData: to } as NodeData } : n)), tabId)),
    abandonRuns: (reason, runIds) => {
      const chosen = Object.values(get().runs).filter((run) => !runIds || runIds.includes(run.runId));
      for (const run of chosen) {
        set(tabUpdate((tab) => settleNodes(tab, run.runId, (state) => ({
          status: "cancelled", runId: run.runId, error: reason, ...(state.stream !== undefined ? { stream: state.stream } : {}),
        })), run.tabId));
        dropRun(run.runId);
      }
    },
  };
};
