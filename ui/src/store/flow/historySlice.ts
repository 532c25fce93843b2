/** Slice: undo and redo of the graph, one bounded history per tab, close edits of one field coalesced. */
import { currentTab, tabUpdate } from "./tabModel";
import type { FlowSlice, HistorySlice } from "./types";

const HISTORY_LIMIT = 100;
const COALESCE_MS = 1000;

export const createHistorySlice: FlowSlice<HistorySlice> = (set, get) => ({
  history: {},
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
    set(tabUpdate((t) => ({ ...t, nodes: previous.nodes, edges: previous.edges })));
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
    set(tabUpdate((t) => ({ ...t, nodes: next.nodes, edges: next.edges })));
  },
  canUndo: () => (get().history[currentTab(get()).id]?.past.length ?? 0) > 0,
  canRedo: () => (get().history[currentTab(get()).id]?.future.length ?? 0) > 0,
});
