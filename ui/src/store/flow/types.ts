/** The shape of the editor's flow store, one interface per slice, and the slice creator type. */
import type { Connection, EdgeChange, NodeChange } from "@xyflow/react";
import type { StateCreator } from "zustand";
import type { FlowEdge, FlowNode, FlowTab, NodeConfig, PastRun, ServerFlowRef } from "../../model/types";
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

/** What is kept of a run going on across a reload (sessionStorage): enough to join it again. */
export interface SavedRun {
  runId: string;
  tabId: string;
  kind: "all" | "node";
  target?: string;
  nodes: string[];
  startedAt: number;
}

/** How a join_run is going: a resume after a (re)connect, or a resync that rebuilds the run from its first event. */
export type JoinMode = "resume" | "resync";

/** The answer to join_run (run-api contract). */
export interface JoinAck {
  ok: boolean;
  status?: string;
  lastSeq?: number;
  error?: string;
}

export interface RunInfo extends SavedRun {
  stopping?: boolean;
  /** seq of the last event applied (0: none yet); events at or below it are doubles */
  lastSeq: number;
  /** a join_run is on its way */
  joining?: JoinMode;
  /** the server's last seq when it answered the join: a resync takes events strictly in order until there */
  catchUpTo?: number;
  /** the run ended on the server (join answer) without its run_end among the events: end it at catchUpTo */
  endedAs?: string;
  /** the run was rebuilt from its first event once already: a second gap is not asked again */
  resynced?: boolean;
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
  /** a streamed delta does not fit the text held (events were missed): join the run again from its start */
  resync?: boolean;
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
  /** The last tab closed, kept so that closing it can be undone. */
  closedTab: { tab: FlowTab; index: number } | null;
  /** Put the last closed tab back where it was, and show it. */
  reopenClosedTab: () => boolean;
  /** Link a tab to the saved flow it was saved to / opened from (undefined: unlink). */
  setServerFlow: (tabId: string, ref: ServerFlowRef | undefined) => void;
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
  /** Remove nodes (with their edges) and the edges `edgeIds`, as one undo step. */
  removeNodes: (ids: string[], edgeIds?: string[]) => void;
  /** Remove the selected nodes and edges (Delete key) as one undo step; returns how many were selected. */
  removeSelection: () => number;
  removeEdge: (id: string) => void;
  duplicateNode: (id: string) => string | undefined;
  /** Duplicate several nodes as one undo step; returns the copies' names. */
  duplicateNodes: (ids: string[]) => string[];
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
  /** A run of the current tab begins: its nodes (by default those the run needs) are queued. */
  startRun: (runId: string, kind: "all" | "node", target?: string, nodes?: string[]) => RunInfo;
  markStopping: (runId?: string) => void;
  /** Apply one event of a run of this page (doubles, by seq, are ignored). */
  handleEvent: (event: RunEventName, payload: Record<string, unknown>) => EventOutcome;
  /** Runs of this page saved before a reload, taken back (their nodes queued) until join_run brings their events. */
  resumeRuns: (saved: SavedRun[]) => void;
  /** A join_run was sent; a resync forgets what the run showed, to rebuild it from its first event. */
  joinStarted: (runId: string, mode: JoinMode) => void;
  /** The server answered a join_run: a run that ended there without a run_end event ends here too. */
  joinAnswered: (runId: string, ack: JoinAck) => EventOutcome;
  /** Swap a node's output `from` (links to stored files) for `to` (their text), unless it changed since. */
  replaceOutput: (name: string, from: unknown, to: unknown, tabId?: string) => void;
  /** Give up the runs (all, or those named): their unfinished nodes turn cancelled with `reason`. */
  abandonRuns: (reason: string, runIds?: string[]) => void;
}

/** A run from the history put on the canvas. */
export interface PastRunSlice {
  /** Show the run's final node states and outputs on the current tab (undoable); returns its nodes not on the tab. */
  showPastRun: (run: PastRun) => string[];
}

export type FlowState = ConfigSlice & TabsSlice & GraphSlice & HistorySlice & ClipboardSlice & RunSlice & PastRunSlice;

export type FlowSlice<T> = StateCreator<FlowState, [], [], T>;
