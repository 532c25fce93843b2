/** Slice: the runs going on, started from the current tab, their events applied to the tab that started them. */
import { checkRequired, nodesForSingleRun } from "../../model/validation";
import { eventOutcome, reduceRunEvent, settleNodes } from "./runEvents";
import { currentTab, mapNode, tabUpdate } from "./tabModel";
import type { EventOutcome, FlowSlice, RunInfo, RunSlice } from "./types";
import type { NodeData } from "../../model/types";

export const createRunSlice: FlowSlice<RunSlice> = (set, get) => ({
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
  startRun: (runId, kind, target) => {
    const tab = currentTab(get());
    const nodes = kind === "all" ? tab.nodes.map((n) => n.id) : nodesForSingleRun(target!, tab.nodes, tab.edges);
    const run: RunInfo = { runId, tabId: tab.id, kind, target, nodes, startedAt: Date.now() };
    set((state) => ({ runs: { ...state.runs, [runId]: run } }));
    set(tabUpdate((t) => {
      const runState = { ...(t.runState ?? {}) };
      for (const name of nodes) runState[name] = { status: "queued", runId };
      return { ...t, runState };
    }));
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
    const now = Date.now();
    set(tabUpdate((tab) => reduceRunEvent(tab, run.runId, event, payload, now), run.tabId));
    const outcome = eventOutcome(event, payload);
    if (outcome.ended) {
      set((state) => {
        const runs = { ...state.runs };
        delete runs[run.runId];
        return { runs };
      });
    }
    return outcome;
  },
  replaceOutput: (name, from, to, tabId) =>
    set(tabUpdate((tab) => mapNode(tab, name, (n) => (n.data.outputData === from ? { ...n, data: { ...n.data, outputData: to } as NodeData } : n)), tabId)),
  abandonRuns: (reason) => {
    for (const run of Object.values(get().runs)) {
      set(tabUpdate((tab) => settleNodes(tab, run.runId, () => ({ status: "cancelled", runId: run.runId, error: reason })), run.tabId));
    }
    set({ runs: {} });
  },
});
