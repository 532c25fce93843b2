/** Slice: the open tabs, adding, removing, renaming them and switching between them. */
import { emptyTab } from "./tabModel";
import type { FlowSlice, TabsSlice } from "./types";

export const createTabsSlice: FlowSlice<TabsSlice> = (set, get) => ({
  tabs: [emptyTab()],
  current: 0,
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
    set({ tabs, current, selectedNodeId: null, closedTab: { tab: state.tabs[index], index } });
    return true;
  },
  closedTab: null,
  reopenClosedTab: () => {
    const closed = get().closedTab;
    if (!closed || get().tabs.some((t) => t.id === closed.tab.id)) return false;
    set((state) => {
      const index = Math.min(closed.index, state.tabs.length);
      const tabs = [...state.tabs.slice(0, index), closed.tab, ...state.tabs.slice(index)];
      return { tabs, current: index, closedTab: null, selectedNodeId: null };
    });
    return true;
  },
  setServerFlow: (tabId, ref) =>
    set((state) => ({
      tabs: state.tabs.map((tab) => {
        if (tab.id !== tabId) return tab;
        const { serverFlow: _old, ...rest } = tab;
        return ref ? { ...rest, serverFlow: ref } : rest;
      }),
    })),
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
});
