/** Save the current tab to the server's flow library and open saved flows (or an older version) in new tabs. */
import { ApiError } from "../api/rest";
import { flowsApi, type FlowDetail } from "../api/flowsApi";
import { translate } from "../i18n";
import { deserializeFlow, serializeFlow } from "../model/flowJson";
import type { FlowEdge, FlowNode, FlowTab, ServerFlowRef } from "../model/types";
import { FLOW_VERSION, useFlow } from "../store/flowStore";
import { usePrefs } from "../store/prefs";

const t = (key: string, vars?: Record<string, string | number>) => translate(usePrefs.getState().language, key, vars);

/** What a run leaves on a node, not part of the flow that is saved. */
const RUN_KEYS = ["outputData", "lastRun", "isDone", "missingFields"];

/** The flow as it is saved: the run format (nodes, inputs, config essentials, positions) without outputs. */
export function savedFlowOf(nodes: FlowNode[], edges: FlowEdge[]): Record<string, unknown>[] {
  return serializeFlow(nodes, edges).map((node) => {
    const out: Record<string, unknown> = { ...node };
    for (const key of RUN_KEYS) delete out[key];
    return out;
  });
}

/** The name a tab is saved under: the saved flow's, else the tab's, else "Flow <n>". */
export function nameForSave(tab: FlowTab, index: number): string {
  if (tab.serverFlow) return tab.serverFlow.name;
  const name = typeof tab.metadata?.name === "string" ? tab.metadata.name.trim() : "";
  return name || `${t("Flow")} ${index + 1}`;
}

function refOf(detail: FlowDetail): ServerFlowRef {
  return { id: detail.id, version: detail.version ?? detail.latestVersion, name: detail.name };
}

/** Save the current tab: the first save creates the saved flow, later ones add a version. A saved flow deleted
 * meanwhile on the server is created again. Returns where it was saved. */
export async function saveToServer(): Promise<ServerFlowRef> {
  const state = useFlow.getState();
  const index = state.current;
  const tab = state.tabs[index];
  const name = nameForSave(tab, index);
  const flow = savedFlowOf(tab.nodes, tab.edges);
  let detail: FlowDetail;
  if (tab.serverFlow) {
    try {
      detail = await flowsApi.update(tab.serverFlow.id, flow);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      detail = await flowsApi.create(name, flow);
    }
  } else {
    detail = await flowsApi.create(name, flow);
  }
  const ref = refOf(detail);
  useFlow.getState().setServerFlow(tab.id, ref);
  if (!tab.metadata?.name) {
    const at = useFlow.getState().tabs.findIndex((t) => t.id === tab.id);
    if (at >= 0) useFlow.getState().renameTab(at, ref.name);
  }
  return ref;
}

/** Open a saved flow (its latest version, or `version`) in a new tab, shown at once. */
export async function openFromServer(id: string, version?: number): Promise<FlowTab> {
  const detail = await flowsApi.get(id, version);
  const flow = useFlow.getState();
  const { nodes, edges } = deserializeFlow(detail.flow, (type) => flow.configs[type]);
  const ref = refOf(detail);
  const older = ref.version < detail.latestVersion;
  const name = older ? t("FlowVersionName", { name: detail.name, version: ref.version }) : detail.name;
  flow.addTab({ nodes, edges, metadata: { version: FLOW_VERSION, name }, serverFlow: ref }, true);
  const state = useFlow.getState();
  return state.tabs[state.current];
}

/** Rename a saved flow; open tabs linked to it follow. */
export async function renameOnServer(id: string, name: string): Promise<void> {
  const summary = await flowsApi.rename(id, name);
  for (const tab of useFlow.getState().tabs) {
    if (tab.serverFlow?.id === id) useFlow.getState().setServerFlow(tab.id, { ...tab.serverFlow, name: summary.name ?? name });
  }
}

/** Delete a saved flow; open tabs linked to it keep their nodes and are no longer linked. */
export async function deleteOnServer(id: string): Promise<void> {
  try {
    await flowsApi.remove(id);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  for (const tab of useFlow.getState().tabs) {
    if (tab.serverFlow?.id === id) useFlow.getState().setServerFlow(tab.id, undefined);
  }
}
