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
});
