/** The runs of this page still going, kept in sessionStorage so that after a reload the editor joins them again. */
import { useFlow } from "./flowStore";
import type { RunInfo, SavedRun } from "./flow/types";
import { readJson, remove, write } from "./storage";

const KEY = "aiflow-active-runs";

function isSavedRun(value: unknown): value is SavedRun {
  const run = value as SavedRun;
  return !!run && typeof run === "object" && typeof run.runId === "string" && typeof run.tabId === "string"
    && (run.kind === "all" || run.kind === "node") && Array.isArray(run.nodes) && typeof run.startedAt === "number";
}

/** The runs saved by this browser tab before it was reloaded. */
export function savedRuns(): SavedRun[] {
  const saved = readJson<unknown>(KEY, [], "session");
  return Array.isArray(saved) ? saved.filter(isSavedRun) : [];
}

function saved(run: RunInfo): SavedRun {
  const { runId, tabId, kind, target, nodes, startedAt } = run;
  return { runId, tabId, kind, ...(target !== undefined ? { target } : {}), nodes, startedAt };
}

/** Save the runs whenever one starts or ends (not on each event: after a reload a run is joined from its start). */
export function startKeepingRuns(): () => void {
  let lastIds = "";
  const keep = (runs: Record<string, RunInfo>) => {
    const ids = Object.keys(runs).sort().join(",");
    if (ids === lastIds) return;
    lastIds = ids;
    if (ids) write(KEY, Object.values(runs).map(saved), "session");
    else remove(KEY, "session");
  };
  keep(useFlow.getState().runs);
  return useFlow.subscribe((state) => keep(state.runs));
}
