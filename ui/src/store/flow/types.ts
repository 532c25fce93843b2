/** The shape of the editor's flow store, one interface per slice, and the slice creator type. */
import type { Connection, EdgeChange, NodeChange } from "@xyflow/react";
import type { StateCreator } from "zustand";
import type { FlowEdge, FlowNode, FlowTab, NodeConfig } from "../../model/types";
import type { ValidationReport } from "../../model/validation";

export interface Snapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface History {
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

/** The node types the server knows (and the ones the editor draws itself). */
export interface ConfigSlice {
  configs: Record<string, NodeConfig>;
  setConfigs: (configs: NodeConfig[]) => void;
  configFor: (type: string) => NodeConfig | undefined;
}

/** The open tabs and which one is on screen. */
export interface TabsSlice {
  tabs: FlowTab[];
  current: number;
  addTab: (tab?: Partial<FlowTab>, activate?: boolean) => void;
  removeTab: (index: number) => boolean;
  selectTab: (index: number) => void;
  renameTab: (index: number, name: string) => void;
}

/** Editing the nodes and edges of the current tab, and the selected node. */
export interface GraphSlice {
  selectedNodeId: string | null;
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
}

/** Undo and redo, one history per tab. */
export interface HistorySlice {
  history: Record<string, History>;
  pushHistory: (key?: string) => void;
  undo: () => void;
  redo: () => void;
  canUndo: () => boolean;
  canRedo: () => boolean;
}

/** Copy and paste of nodes, across tabs. */
export interface ClipboardSlice {
  clipboard: ClipboardContent | null;
  copy: (ids?: string[]) => number;
  paste: (offset?: { x: number; y: number }) => string[];
}

/** Runs going on: their start, their events reduced onto the tab that started them, their end. */
export interface RunSlice {
  runs: Record<string, RunInfo>;
  checkBeforeRun: (target?: string) => ValidationReport;
  startRun: (runId: string, kind: "all" | "node", target?: string) => RunInfo;
  markStopping: (runId?: string) => void;
  handleEvent: (event: RunEventName, payload: Record<string, unknown>) => EventOutcome;
  /** Swap a node's output `from` (links to stored files) for `to` (their text), unless it changed since. */
  replaceOutput: (name: string, from: unknown, to: unknown, tabId?: string) => void;
  abandonRuns: (reason: string) => void;
}

export type FlowState = ConfigSlice & TabsSlice & GraphSlice & HistorySlice & ClipboardSlice & RunSlice;

export type FlowSlice<T> = StateCreator<FlowState, [], [], T>;
