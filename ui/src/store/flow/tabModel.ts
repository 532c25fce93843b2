/** Tabs as values: a new tab, tabs restored from storage, and the small updates every slice makes to a tab. */
import { EDGE_TYPE } from "../../model/flowJson";
import { newTabId } from "../../model/ids";
import type { FlowMetadata, FlowNode, FlowTab, NodeRunState, ServerFlowRef } from "../../model/types";
import type { FlowState } from "./types";

export const FLOW_VERSION = "1.0.0";

export function emptyTab(metadata: FlowMetadata = {}): FlowTab {
  return { id: newTabId(), nodes: [], edges: [], metadata: { version: FLOW_VERSION, ...metadata }, runState: {} };
}

export function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

export function currentTab(state: Pick<FlowState, "tabs" | "current">): FlowTab {
  return state.tabs[state.current] ?? state.tabs[0];
}

/** The set() update that replaces the current tab (or the tab `tabId`) by fn(tab). */
export function tabUpdate(fn: (tab: FlowTab) => FlowTab, tabId?: string) {
  return (state: FlowState): Partial<FlowState> => {
    const index = tabId ? state.tabs.findIndex((t) => t.id === tabId) : state.current;
    if (index < 0 || !state.tabs[index]) return {};
    const tabs = [...state.tabs];
    tabs[index] = fn(tabs[index]);
    return { tabs };
  };
}

export function mapNode(tab: FlowTab, id: string, fn: (node: FlowNode) => FlowNode): FlowTab {
  return { ...tab, nodes: tab.nodes.map((n) => (n.id === id ? fn(n) : n)) };
}

export function setRunState(tab: FlowTab, name: string, state: NodeRunState | undefined): FlowTab {
  const runState = { ...(tab.runState ?? {}) };
  if (state) runState[name] = state;
  else delete runState[name];
  return { ...tab, runState };
}

function sanitizeRunState(runState: Record<string, NodeRunState> | undefined): Record<string, NodeRunState> {
  const out: Record<string, NodeRunState> = {};
  for (const [name, state] of Object.entries(runState ?? {})) {
    if (state.status === "queued" || state.status === "waiting" || state.status === "running") continue;
    out[name] = {
      status: state.status, duration: state.duration, error: state.error,
      ...(state.status === "cancelled" && typeof state.stream === "string" ? { stream: state.stream } : {}),
      ...(state.cached ? { cached: true, cachedAt: state.cachedAt } : {}),
    };
  }
  return out;
}

function validServerFlow(ref: unknown): ref is ServerFlowRef {
  const r = ref as ServerFlowRef | undefined;
  return !!r && typeof r.id === "string" && typeof r.version === "number" && typeof r.name === "string";
}

/** Tabs restored from storage: ids, edge types and run states made consistent. */
export function normaliseTabs(tabs: unknown): FlowTab[] {
  if (!Array.isArray(tabs)) return [];
  return tabs
    .filter((t): t is FlowTab => !!t && typeof t === "object" && Array.isArray((t as FlowTab).nodes))
    .map((t) => ({
      id: typeof t.id === "string" ? t.id : newTabId(),
      nodes: t.nodes.filter((n) => n && n.data && typeof n.id === "string").map((n) => ({ ...n, selected: false, dragging: false })),
      edges: (t.edges ?? []).map((e) => ({ ...e, type: EDGE_TYPE, selected: false })),
      metadata: { version: FLOW_VERSION, ...(t.metadata ?? {}) },
      runState: sanitizeRunState(t.runState),
      ...(validServerFlow(t.serverFlow) ? { serverFlow: t.serverFlow } : {}),
    }));
}
