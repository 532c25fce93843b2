/** Starting runs (the flow on screen, one node, a past run again), following one, stopping them. */
import { fieldLabel, translate } from "../i18n";
import { flowJsonFile } from "../model/flowJson";
import { newRunId } from "../model/ids";
import { selectCurrentTab, useFlow } from "../store/flowStore";
import { flatParameters, usePrefs } from "../store/prefs";
import { toast } from "../store/toasts";
import { joinRun } from "./runJoin";
import { liveSocket } from "./socket";

const t = (key: string, vars?: Record<string, string | number>) => translate(usePrefs.getState().language, key, vars);

function reportMissing(problems: { label: string; fields: string[]; node: string }[]) {
  const language = usePrefs.getState().language;
  const nodes = selectCurrentTab(useFlow.getState()).nodes;
  const labelOf = (node: string, name: string) => {
    const field = nodes.find((n) => n.id === node)?.data.config?.fields?.find((f) => f.name === name);
    return fieldLabel(language, field ?? { name });
  };
  const lines = problems.flatMap((p) => [`${t("Node")}: ${translate(language, p.label)} (${p.node})`,
    `${t("MissingFields")}: ${p.fields.map((name) => labelOf(p.node, name)).join(", ")}`]);
  toast.error(t("MissingFieldsMessage"), { title: t("MissingFieldsMessage"), lines });
}

/** Send a run of the current tab (its nodes `nodes` queued meanwhile); the tab's id goes as the run's flowId.
 * Unchanged nodes are served from the server's output cache unless the run is `fresh`. */
function submit(jsonFile: string, kind: "all" | "node", target: string | undefined, nodes?: string[], fresh = false): string | undefined {
  const socket = liveSocket();
  if (!socket) {
    toast.error(t("notConnected"));
    return undefined;
  }
  const runId = newRunId();
  useFlow.getState().startRun(runId, kind, target, nodes);
  const tab = selectCurrentTab(useFlow.getState());
  socket.emit(target ? "run_node" : "process_file", {
    jsonFile,
    metadata: tab.metadata,
    parameters: flatParameters(usePrefs.getState().parameters),
    runId,
    flowId: tab.id,
    streamFormat: "delta",
    useCache: !fresh,
    ...(target ? { nodeName: target } : {}),
  });
  return runId;
}

function runFlowOnScreen(target?: string, fresh = false): string | undefined {
  const flow = useFlow.getState();
  const tab = selectCurrentTab(flow);
  if (!tab.nodes.length) {
    toast.info(t("NoNodesToRun"));
    return undefined;
  }
  const report = flow.checkBeforeRun(target);
  if (!report.ok) {
    reportMissing(report.problems);
    return undefined;
  }
  const latest = selectCurrentTab(useFlow.getState());
  return submit(flowJsonFile(latest.nodes, latest.edges), target ? "node" : "all", target, undefined, fresh);
}

/** Run the flow on screen; `fresh`: every node runs again (the output cache is bypassed). */
export const runAll = (fresh = false) => runFlowOnScreen(undefined, fresh);
/** Run one node (and the ancestors it needs); `fresh`: bypass the output cache. */
export const runNode = (name: string, fresh = false) => runFlowOnScreen(name, fresh);

/** The node list of a stored flow (the jsonFile list, or its JSON string). */
function flowItems(flow: unknown): Record<string, unknown>[] | undefined {
  let items = flow;
  if (typeof flow === "string") {
    try {
      items = JSON.parse(flow);
    } catch {
      return undefined;
    }
  }
  return Array.isArray(items) && items.length ? items.filter((item) => item && typeof item === "object") : undefined;
}

/** Run a past run's flow again, as it ran then (same inputs), for the current tab: its nodes of the same names show it.
 * Every node runs again (the output cache would only replay the run). */
export function runAgain(flow: unknown, target?: string | null): string | undefined {
  const items = flowItems(flow);
  if (!items) {
    toast.error(t("runAgainNoFlow"));
    return undefined;
  }
  const names = new Set(items.map((item) => item.name));
  const onTab = selectCurrentTab(useFlow.getState()).nodes.map((n) => n.id).filter((id) => names.has(id));
  return submit(JSON.stringify(items), target ? "node" : "all", target ?? undefined, onTab, true);
}

/** Follow on the current tab a run going on that this page did not start (another window, the API, the CLI). */
export function followRun(runId: string, nodes: string[], target?: string | null) {
  const tab = selectCurrentTab(useFlow.getState());
  const onTab = new Set(tab.nodes.map((n) => n.id));
  useFlow.getState().resumeRuns([{
    runId, tabId: tab.id, kind: target ? "node" : "all", ...(target ? { target } : {}),
    nodes: nodes.filter((name) => onTab.has(name)), startedAt: Date.now(),
  }]);
  const socket = liveSocket();
  if (socket) joinRun(socket, runId, "resume"); // else the next connect joins it
}

/** Ask the server to cancel every run of this page; nodes turn "cancelled" when run_end arrives. */
export function stopRuns() {
  const runs = Object.keys(useFlow.getState().runs);
  if (!runs.length) return;
  useFlow.getState().markStopping();
  const socket = liveSocket();
  if (!socket) {
    useFlow.getState().abandonRuns(t("runInterrupted"));
    return;
  }
  for (const runId of runs) socket.emit("cancel_run", { runId });
}
