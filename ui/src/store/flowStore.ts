/** The editor's state: tabs of nodes and edges, history (undo/redo), clipboard, run state. */
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from "@xyflow/react";
import { create } from "zustand";
import { defaultValues, effectiveInputNames, handleIndex, inHandle } from "../model/fields";
import { deserializeFlow, EDGE_TYPE } from "../model/flowJson";
import { newNodeName, newTabId } from "../model/ids";
import { layeredLayout } from "../model/layout";
import type { FlowEdge, FlowMetadata, FlowNode, FlowTab, NodeConfig, NodeData, NodeRunState } from "../model/types";
import { checkRequired, nodesForSingleRun, type ValidationReport } from "../model/validation";

const HISTORY_LIMIT = 100;
const COALESCE_MS = 1000;
export const FLOW_VERSION = "1.0.0";

interface Snapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

interface History {
  past: Snapshot[];
  future: Snapshot[];
  lastKey?: string;
  lastAt?: number;
}

export interface RunInfo {
  runId: string;
  tabId: string;
  kind: "all" | "node";
  target?: string;
  nodes: string[];
  stopping?: boolean;
  startedAt: number;
}

export interface ClipboardContent {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export type RunEventName = "current_node_running" | "progress" | "error" | "run_end";

/** What the caller should tell the user after an event (the store has no UI). */
export interface EventOutcome {
  error?: { message: string; node?: string };
  ended?: { status: string; cancelled: boolean };
}

export interface FlowState {
  tabs: FlowTab[];
  current: number;
  configs: Record<string, NodeConfig>;
  history: Record<string, History>;
  runs: Record<string, RunInfo>;
  selectedNodeId: string | null;
  clipboard: ClipboardContent | null;

  setConfigs: (configs: NodeConfig[]) => void;
  configFor: (type: string) => NodeConfig | undefined;

  addTab: (tab?: Partial<FlowTab>, activate?: boolean) => void;
  removeTab: (index: number) => boolean;
  selectTab: (index: number) => void;
  renameTab: (index: number, name: string) => void;

  onNodesChange: (changes: NodeChange[]) => void;
  onEdgesChange: (changes: EdgeChange[]) => void;
  connect: (connection: Connection) => boolean;
  canConnect: (connection: Connection | FlowEdge) => boolean;

  addNode: (type: string, position: { x: number; y: number }, extra?: { data?: Record<string, unknown>; config?: Partial<NodeConfig> }) => string;
  removeNodes: (ids: string[]) => void;
  removeEdge: (id: string) => void;
  duplicateNode: (id: string) => string | undefined;
  updateNodeData: (id: string, patch: Record<string, unknown>, historyKey?: string | false) => void;
  setFieldValue: (id: string, field: string, value: unknown) => void;
  setNodeConfig: (id: string, config: NodeConfig, patch?: Record<string, unknown>) => void;
  clearOutput: (id: string) => void;
  clearAllOutputs: () => void;
  deleteAll: () => void;
  importFlow: (raw: unknown) => void;
  autoLayout: () => void;
  selectNode: (id: string | null) => void;

  pushHistory: (key?: string) => void;
  undo: () => void;
  redo: () => void;
  canUndo: () => boolean;
  canRedo: () => boolean;

  copy: (ids?: string[]) => number;
  paste: (offset?: { x: number; y: number }) => string[];

  checkBeforeRun: (target?: string) => ValidationReport;
  startRun: (runId: string, kind: "all" | "node", target?: string) => RunInfo;
  markStopping: (runId?: string) => void;
  handleEvent: (event: RunEventName, payload: Record<string, unknown>) => EventOutcome;
  /** Swap a node's output `from` (links to stored files) for `to` (their text), unless it changed since. */
  replaceOutput: (name: string, from: unknown, to: unknown, tabId?: string) => void;
  abandonRuns: (reason: string) => void;
}

export function emptyTab(metadata: FlowMetadata = {}): FlowTab {
  return { id: newTabId(), nodes: [], edges: [], metadata: { version: FLOW_VERSION, ...metadata }, runState: {} };
}

/** Fallback configs of the nodes the editor draws with components of their own (reference-ui §2.7). */
export const SPECIAL_CONFIGS: NodeConfig[] = [
  { nodeName: "File", processorType: "file", icon: "FaFile", section: "input", helpMessage: "fileUploadHelp", fields: [], outputType: undefined },
  { nodeName: "AiDataSplitter", processorType: "ai-data-splitter", icon: "FiScissors", section: "tools", helpMessage: "dataSplitterHelp", fields: [], hasInputHandle: true },
  { nodeName: "ReplicateModel", processorType: "replicate", icon: "ReplicateLogo", section: "models", helpMessage: "replicateHelp", fields: [] },
  { nodeName: "Transition", processorType: "transition", icon: "MdOutlineDoubleArrow", section: "tools", helpMessage: "transitionHelp", fields: [], hasInputHandle: true, outputType: "text" },
  { nodeName: "Display", processorType: "display", icon: "FiMonitor", section: "tools", helpMessage: "displayHelp", fields: [], hasInputHandle: true, outputType: "markdown" },
];

const INITIAL_DATA: Record<string, Record<string, unknown>> = {
  "ai-data-splitter": { mode: "manual", separator: ";", nbOutput: 2 },
};

const INITIAL_SIZE: Record<string, { width: number; height: number }> = {
  display: { width: 450, height: 260 },
};

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

function currentTab(state: FlowState): FlowTab {
  return state.tabs[state.current] ?? state.tabs[0];
}

/** Rewrite the target handles of a node's incoming edges after its input names changed; drop orphans. */
export function remapEdges(oldData: NodeData, newData: NodeData, nodeId: string, edges: FlowEdge[]): FlowEdge[] {
  const before = effectiveInputNames(oldData);
  const after = effectiveInputNames(newData);
  if (before.length === after.length && before.every((n, i) => n === after[i])) return edges;
  const result: FlowEdge[] = [];
  for (const edge of edges) {
    if (edge.target !== nodeId) {
      result.push(edge);
      continue;
    }
    const name = before[handleIndex(edge.targetHandle) ?? 0];
    if (name === undefined) {
      if ((handleIndex(edge.targetHandle) ?? 0) < Math.max(after.length, 1)) result.push(edge);
      continue;
    }
    const index = after.indexOf(name);
    if (index >= 0) result.push({ ...edge, targetHandle: inHandle(index) });
  }
  return result;
}

function sanitizeRunState(runState: Record<string, NodeRunState> | undefined): Record<string, NodeRunState> {
  const out: Record<string, NodeRunState> = {};
  for (const [name, state] of Object.entries(runState ?? {})) {
    if (state.status === "queued" || state.status === "waiting" || state.status === "running") continue;
    out[name] = { status: state.status, duration: state.duration, error: state.error };
  }
  return out;
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
    }));
}

export const useFlow = create<FlowState>((set, get) => {
  /** Replace the current tab (or the tab `tabId`) by fn(tab). */
  const updateTab = (fn: (tab: FlowTab) => FlowTab, tabId?: string) =>
    set((state) => {
      const index = tabId ? state.tabs.findIndex((t) => t.id === tabId) : state.current;
      if (index < 0 || !state.tabs[index]) return {};
      const tabs = [...state.tabs];
      tabs[index] = fn(tabs[index]);
      return { tabs };
    });

  const mapNode = (tab: FlowTab, id: string, fn: (node: FlowNode) => FlowNode): FlowTab => ({
    ...tab,
    nodes: tab.nodes.map((n) => (n.id === id ? fn(n) : n)),
  });

  const setRunState = (tab: FlowTab, name: string, state: NodeRunState | undefined): FlowTab => {
    const runState = { ...(tab.runState ?? {}) };
    if (state) runState[name] = state;
    else delete runState[name];
    return { ...tab, runState };
  };

  return {
    tabs: [emptyTab()],
    current: 0,
    configs: {},
    history: {},
    runs: {},
    selectedNodeId: null,
    clipboard: null,

    setConfigs: (configs) => {
      const map: Record<string, NodeConfig> = {};
      for (const config of SPECIAL_CONFIGS) map[config.processorType!] = config;
      for (const config of configs) if (config.processorType) map[config.processorType] = config;
      set({ configs: map });
    },
    configFor: (type) => get().configs[type],

    addTab: (tab, activate = false) =>
      set((state) => {
        const fresh = { ...emptyTab(), ...(tab ?? {}) };
        const tabs = [...state.tabs, fresh];
        return { tabs, current: activate ? tabs.length - 1 : state.current };
      }),
    removeTab: (index) => {
      const state = get();
      if (state.tabs.length <= 1 || !state.tabs[index]) return false;
      const tabs = state.tabs.filter((_, i) => i !== index);
      let current = state.current;
      if (index < current || current >= tabs.length) current = Math.max(0, current - 1);
      else if (index === current) current = Math.max(0, index - 1);
      set({ tabs, current, selectedNodeId: null });
      return true;
    },
    selectTab: (index) => {
      if (index >= 0 && index < get().tabs.length) set({ current: index, selectedNodeId: null });
    },
    renameTab: (index, name) =>
      set((state) => {
        const tabs = [...state.tabs];
        if (!tabs[index]) return {};
        tabs[index] = { ...tabs[index], metadata: { ...tabs[index].metadata, name: name.trim() || undefined } };
        return { tabs };
      }),

    onNodesChange: (changes) => {
      if (changes.some((c) => c.type === "remove")) {
        const ids = changes.filter((c) => c.type === "remove").map((c) => (c as { id: string }).id);
        get().removeNodes(ids);
        changes = changes.filter((c) => c.type !== "remove");
        if (!changes.length) return;
      }
      updateTab((tab) => ({ ...tab, nodes: applyNodeChanges(changes, tab.nodes as never) as unknown as FlowNode[] }));
    },
    onEdgesChange: (changes) => {
      if (changes.some((c) => c.type === "remove")) get().pushHistory("remove-edges");
      updateTab((tab) => ({ ...tab, edges: applyEdgeChanges(changes, tab.edges as never) as unknown as FlowEdge[] }));
    },
    canConnect: (connection) => {
      const tab = currentTab(get());
      if (!connection.source || !connection.target || connection.source === connection.target) return false;
      return tab.nodes.some((n) => n.id === connection.source) && tab.nodes.some((n) => n.id === connection.target);
    },
    connect: (connection) => {
      if (!get().canConnect(connection)) return false;
      get().pushHistory();
      const targetHandle = connection.targetHandle ?? inHandle(0);
      const sourceHandle = connection.sourceHandle ?? "handle-out-0";
      updateTab((tab) => {
        // one edge per input: a new connection replaces the one already on that input
        const edges = tab.edges.filter((e) => !(e.target === connection.target && (e.targetHandle ?? inHandle(0)) === targetHandle));
        const duplicate = edges.some((e) => e.source === connection.source && e.target === connection.target && e.targetHandle === targetHandle && e.sourceHandle === sourceHandle);
        if (duplicate) return { ...tab, edges };
        let id = `${connection.source}-to-${connection.target}`;
        for (let n = 2; edges.some((e) => e.id === id); n++) id = `${connection.source}-to-${connection.target}-${n}`;
        return { ...tab, edges: [...edges, { id, source: connection.source, target: connection.target, sourceHandle, targetHandle, type: EDGE_TYPE }] };
      });
      return true;
    },

    addNode: (type, position, extra = {}) => {
      const registry = get().configs[type];
      const config: NodeConfig = { ...(clone(registry) ?? { nodeName: type, processorType: type, fields: [] }), ...(clone(extra.config) ?? {}) };
      if (!Array.isArray(config.fields)) config.fields = [];
      const name = newNodeName(type);
      const base = { ...(INITIAL_DATA[type] ?? {}), ...(clone(extra.data) ?? {}) };
      const data: NodeData = { ...base, ...defaultValues(config, base), name, processorType: type, config };
      get().pushHistory();
      updateTab((tab) => ({
        ...tab,
        nodes: [...tab.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), { id: name, type, position, data, selected: true, ...(INITIAL_SIZE[type] ?? {}) }],
      }));
      return name;
    },
    removeNodes: (ids) => {
      if (!ids.length) return;
      get().pushHistory("remove");
      const drop = new Set(ids);
      updateTab((tab) => ({
        ...tab,
        nodes: tab.nodes.filter((n) => !drop.has(n.id)),
        edges: tab.edges.filter((e) => !drop.has(e.source) && !drop.has(e.target)),
      }));
      if (get().selectedNodeId && drop.has(get().selectedNodeId!)) set({ selectedNodeId: null });
    },
    removeEdge: (id) => {
      get().pushHistory();
      updateTab((tab) => ({ ...tab, edges: tab.edges.filter((e) => e.id !== id) }));
    },
    duplicateNode: (id) => {
      const node = currentTab(get()).nodes.find((n) => n.id === id);
      if (!node) return undefined;
      const name = newNodeName(node.data.processorType);
      const data = { ...clone(node.data), name } as NodeData;
      delete data.isDone;
      delete data.lastRun;
      delete data.missingFields;
      get().pushHistory();
      updateTab((tab) => ({
        ...tab,
        nodes: [
          ...tab.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)),
          { id: name, type: node.type, position: { x: node.position.x + 100, y: node.position.y + 100 }, data, selected: true, style: clone(node.style) },
        ],
      }));
      return name;
    },
    updateNodeData: (id, patch, historyKey) => {
      if (historyKey !== false) get().pushHistory(historyKey);
      updateTab((tab) => {
        const node = tab.nodes.find((n) => n.id === id);
        if (!node) return tab;
        const data = { ...node.data, ...patch } as NodeData;
        for (const [key, value] of Object.entries(patch)) if (value === undefined) delete data[key];
        return { ...mapNode(tab, id, (n) => ({ ...n, data })), edges: remapEdges(node.data, data, id, tab.edges) };
      });
    },
    setFieldValue: (id, field, value) => {
      const node = currentTab(get()).nodes.find((n) => n.id === id);
      const patch: Record<string, unknown> = { [field]: value };
      if (node?.data.missingFields?.includes(field)) patch.missingFields = node.data.missingFields.filter((f) => f !== field);
      get().updateNodeData(id, patch, `field:${id}:${field}`);
    },
    setNodeConfig: (id, config, patch = {}) => {
      const node = currentTab(get()).nodes.find((n) => n.id === id);
      if (!node) return;
      const values = { ...node.data, ...patch };
      get().updateNodeData(id, { ...patch, ...defaultValues(config, values), config });
    },
    clearOutput: (id) => {
      get().updateNodeData(id, { outputData: undefined, lastRun: undefined, isDone: undefined });
      updateTab((tab) => setRunState(tab, id, undefined));
    },
    clearAllOutputs: () => {
      get().pushHistory();
      updateTab((tab) => ({
        ...tab,
        runState: {},
        nodes: tab.nodes.map((n) => {
          const data = { ...n.data };
          delete data.outputData;
          delete data.lastRun;
          delete data.isDone;
          return { ...n, data };
        }),
      }));
    },
    deleteAll: () => {
      get().pushHistory();
      updateTab((tab) => ({ ...tab, nodes: [], edges: [], runState: {} }));
      set({ selectedNodeId: null });
    },
    importFlow: (raw) => {
      const { nodes, edges } = deserializeFlow(raw, (type) => get().configs[type]);
      get().pushHistory();
      updateTab((tab) => ({ ...tab, nodes, edges, runState: {} }));
      set({ selectedNodeId: null });
    },
    autoLayout: () => {
      const tab = currentTab(get());
      const positions = layeredLayout(tab.nodes, tab.edges);
      get().pushHistory();
      updateTab((t) => ({ ...t, nodes: t.nodes.map((n) => (positions[n.id] ? { ...n, position: positions[n.id] } : n)) }));
    },
    selectNode: (id) => set({ selectedNodeId: id }),

    pushHistory: (key) => {
      const state = get();
      const tab = currentTab(state);
      const history = state.history[tab.id] ?? { past: [], future: [] };
      const now = Date.now();
      if (key && history.lastKey === key && now - (history.lastAt ?? 0) < COALESCE_MS) {
        set({ history: { ...state.history, [tab.id]: { ...history, lastAt: now } } });
        return;
      }
      const snapshot = { nodes: tab.nodes, edges: tab.edges };
      const past = [...history.past, snapshot].slice(-HISTORY_LIMIT);
      set({ history: { ...state.history, [tab.id]: { past, future: [], lastKey: key, lastAt: now } } });
    },
    undo: () => {
      const state = get();
      const tab = currentTab(state);
      const history = state.history[tab.id];
      if (!history?.past.length) return;
      const previous = history.past[history.past.length - 1];
      set({
        history: { ...state.history, [tab.id]: { past: history.past.slice(0, -1), future: [{ nodes: tab.nodes, edges: tab.edges }, ...history.future] } },
      });
      updateTab((t) => ({ ...t, nodes: previous.nodes, edges: previous.edges }));
    },
    redo: () => {
      const state = get();
      const tab = currentTab(state);
      const history = state.history[tab.id];
      if (!history?.future.length) return;
      const next = history.future[0];
      set({
        history: { ...state.history, [tab.id]: { past: [...history.past, { nodes: tab.nodes, edges: tab.edges }], future: history.future.slice(1) } },
      });
      updateTab((t) => ({ ...t, nodes: next.nodes, edges: next.edges }));
    },
    canUndo: () => (get().history[currentTab(get()).id]?.past.length ?? 0) > 0,
    canRedo: () => (get().history[currentTab(get()).id]?.future.length ?? 0) > 0,

    copy: (ids) => {
      const tab = currentTab(get());
      const chosen = new Set(ids ?? tab.nodes.filter((n) => n.selected).map((n) => n.id));
      if (!chosen.size) return 0;
      const nodes = clone(tab.nodes.filter((n) => chosen.has(n.id)));
      const edges = clone(tab.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target)));
      set({ clipboard: { nodes, edges } });
      return nodes.length;
    },
    paste: (offset = { x: 60, y: 60 }) => {
      const clip = get().clipboard;
      if (!clip?.nodes.length) return [];
      const names = new Map<string, string>();
      for (const node of clip.nodes) names.set(node.id, newNodeName(node.data.processorType));
      const nodes: FlowNode[] = clip.nodes.map((node) => {
        const name = names.get(node.id)!;
        const data = { ...clone(node.data), name } as NodeData;
        delete data.missingFields;
        return { id: name, type: node.type, position: { x: node.position.x + offset.x, y: node.position.y + offset.y }, data, selected: true, style: clone(node.style) };
      });
      const edges: FlowEdge[] = clip.edges.map((e) => {
        const source = names.get(e.source)!;
        const target = names.get(e.target)!;
        return { ...e, id: `${source}-to-${target}-${e.targetHandle ?? "0"}`, source, target, selected: false };
      });
      get().pushHistory();
      updateTab((tab) => ({
        ...tab,
        nodes: [...tab.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...nodes],
        edges: [...tab.edges, ...edges],
      }));
      // the next paste lands a little further
      set({ clipboard: { nodes: clip.nodes.map((n) => ({ ...n, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } })), edges: clip.edges } });
      return nodes.map((n) => n.id);
    },

    checkBeforeRun: (target) => {
      const tab = currentTab(get());
      const scope = target ? nodesForSingleRun(target, tab.nodes, tab.edges) : undefined;
      const report = checkRequired(tab.nodes, tab.edges, scope);
      const missing = new Map(report.problems.map((p) => [p.node, p.fields]));
      updateTab((t) => ({
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
      }));
      return report;
    },
    startRun: (runId, kind, target) => {
      const tab = currentTab(get());
      const nodes = kind === "all" ? tab.nodes.map((n) => n.id) : nodesForSingleRun(target!, tab.nodes, tab.edges);
      const run: RunInfo = { runId, tabId: tab.id, kind, target, nodes, startedAt: Date.now() };
      set((state) => ({ runs: { ...state.runs, [runId]: run } }));
      updateTab((t) => {
        const runState = { ...(t.runState ?? {}) };
        for (const name of nodes) runState[name] = { status: "queued", runId };
        return { ...t, runState };
      });
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
      const outcome: EventOutcome = {};
      if (!run) {
        if (event === "error" && !runId) outcome.error = { message: String(payload.error ?? "Unknown error"), node: (payload.instanceName ?? payload.nodeName) as string | undefined };
        return outcome;
      }
      const name = typeof payload.instanceName === "string" ? payload.instanceName : undefined;
      const now = Date.now();
      const finish = (status: string, cancelled: boolean) => {
        updateTab((tab) => {
          const runState = { ...(tab.runState ?? {}) };
          for (const [node, state] of Object.entries(runState)) {
            if (state.runId === run.runId && (state.status === "queued" || state.status === "waiting" || state.status === "running")) {
              runState[node] = { status: cancelled ? "cancelled" : "skipped", runId: run.runId, startedAt: state.startedAt };
            }
          }
          return { ...tab, runState };
        }, run.tabId);
        set((state) => {
          const runs = { ...state.runs };
          delete runs[run.runId];
          return { runs };
        });
        outcome.ended = { status, cancelled };
      };
      switch (event) {
        case "current_node_running":
          if (name) updateTab((tab) => setRunState(tab, name, { status: "running", runId: run.runId, startedAt: now }), run.tabId);
          break;
        case "progress": {
          if (!name) break;
          if (payload.isDone) {
            updateTab((tab) => {
              const previous = tab.runState?.[name];
              const duration = typeof payload.duration === "number" ? payload.duration : previous?.startedAt ? (now - previous.startedAt) / 1000 : undefined;
              const withState = setRunState(tab, name, { status: "done", runId: run.runId, duration });
              return mapNode(withState, name, (n) => {
                const data = { ...n.data, lastRun: new Date(now).toISOString(), isDone: true } as NodeData;
                if ("output" in payload && payload.output !== null) data.outputData = payload.output;
                else delete data.outputData;
                if (n.type === "ai-data-splitter" && Array.isArray(payload.output)) {
                  data.nbOutput = Math.max(Number(data.nbOutput ?? 0), payload.output.length);
                }
                return { ...n, data };
              });
            }, run.tabId);
          } else if (payload.queued === true) {
            updateTab((tab) => {
              const previous = tab.runState?.[name];
              return setRunState(tab, name, { status: "waiting", runId: run.runId, startedAt: previous?.startedAt ?? now, stream: previous?.stream });
            }, run.tabId);
          } else {
            updateTab((tab) => {
              const previous = tab.runState?.[name];
              let stream: string;
              if (typeof payload.delta === "string") {
                const base = previous?.runId === run.runId ? previous.stream ?? "" : "";
                const offset = typeof payload.offset === "number" ? payload.offset : base.length;
                stream = base.slice(0, offset) + payload.delta;
              } else {
                stream = typeof payload.output === "string" ? payload.output : JSON.stringify(payload.output);
              }
              return setRunState(tab, name, { status: "running", runId: run.runId, startedAt: previous?.startedAt ?? now, stream });
            }, run.tabId);
          }
          break;
        }
        case "error": {
          const message = String(payload.error ?? "Unknown error");
          if (name) {
            updateTab((tab) => {
              const previous = tab.runState?.[name];
              const duration = previous?.startedAt ? (now - previous.startedAt) / 1000 : undefined;
              return setRunState(tab, name, { status: "failed", runId: run.runId, error: message, duration });
            }, run.tabId);
            outcome.error = { message, node: name };
          } else {
            // the run was refused before it started: no run_end follows
            const nodes = Array.isArray(payload.nodes) ? (payload.nodes as string[]) : typeof payload.nodeName === "string" ? [payload.nodeName] : [];
            updateTab((tab) => nodes.reduce((t, node) => setRunState(t, node, { status: "failed", runId: run.runId, error: message }), tab), run.tabId);
            outcome.error = { message, node: nodes[0] };
            finish("failed", false);
          }
          break;
        }
        case "run_end":
          finish(String(payload.status ?? "completed"), Boolean(payload.cancelled));
          break;
      }
      return outcome;
    },
    replaceOutput: (name, from, to, tabId) =>
      updateTab((tab) => mapNode(tab, name, (n) => (n.data.outputData === from ? { ...n, data: { ...n.data, outputData: to } as NodeData } : n)), tabId),
    abandonRuns: (reason) => {
      for (const run of Object.values(get().runs)) {
        updateTab((tab) => {
          const runState = { ...(tab.runState ?? {}) };
          for (const [node, state] of Object.entries(runState)) {
            if (state.runId === run.runId && (state.status === "queued" || state.status === "waiting" || state.status === "running")) {
              runState[node] = { status: "cancelled", runId: run.runId, error: reason };
            }
          }
          return { ...tab, runState };
        }, run.tabId);
      }
      set({ runs: {} });
    },
  };
});

export const selectCurrentTab = (state: FlowState) => currentTab(state);
