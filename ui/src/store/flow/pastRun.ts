/** A run from the history shown on a tab as if it had just ended: node states, durations, errors, outputs. */
import type { FlowTab, NodeData, NodeStatus, PastRun } from "../../model/types";
import { mapNode } from "./tabModel";

/** A stored node status as the canvas draws it; a node the run left unfinished did not run. */
const SHOWN_AS: Record<string, NodeStatus> = {
  succeeded: "done", failed: "failed", cancelled: "cancelled", interrupted: "cancelled", skipped: "skipped",
};

/** The tab with the run's nodes (those still on it) in their final state; `missing`: the run's nodes not on the tab. */
export function pastRunOnTab(tab: FlowTab, run: PastRun): { tab: FlowTab; missing: string[] } {
  const onTab = new Set(tab.nodes.map((n) => n.id));
  const missing = run.nodes.filter((n) => !onTab.has(n.name)).map((n) => n.name);
  const runState = { ...(tab.runState ?? {}) };
  let shown: FlowTab = tab;
  const lastRun = run.endedAt ?? undefined;
  for (const node of run.nodes) {
    if (!onTab.has(node.name)) continue;
    const status = SHOWN_AS[node.status] ?? "skipped";
    runState[node.name] = {
      status, runId: run.id,
      ...(typeof node.duration === "number" ? { duration: node.duration } : {}),
      ...(node.error ? { error: node.error } : {}),
      ...(node.cached ? { cached: true } : {}),
    };
    if (status !== "done") continue;
    const output = node.output ?? run.outputs?.[node.name];
    shown = mapNode(shown, node.name, (n) => {
      const data = { ...n.data, isDone: true, ...(lastRun ? { lastRun } : {}) } as NodeData;
      if (output !== undefined && output !== null) data.outputData = output;
      else delete data.outputData;
      return { ...n, data };
    });
  }
  return { tab: { ...shown, runState }, missing };
}
