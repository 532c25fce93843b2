/** The editor's flow store, made of slices with one job each (see ./flow/): configs, tabs, graph, history, clipboard, runs, past runs. */
import { create } from "zustand";
import { batching } from "./batching";
import { createClipboardSlice } from "./flow/clipboardSlice";
import { createConfigSlice } from "./flow/configSlice";
import { createGraphSlice } from "./flow/graphSlice";
import { createHistorySlice } from "./flow/historySlice";
import { createPastRunSlice } from "./flow/pastRunSlice";
import { createRunSlice } from "./flow/runSlice";
import { currentTab } from "./flow/tabModel";
import { createTabsSlice } from "./flow/tabsSlice";
import type { FlowState } from "./flow/types";

export { SPECIAL_CONFIGS } from "./flow/configSlice";
export { remapEdges } from "./flow/graphSlice";
export { emptyTab, FLOW_VERSION, normaliseTabs } from "./flow/tabModel";
export type { PastRun } from "../model/types";
export type { ClipboardContent, EventOutcome, FlowState, RunEventName, RunInfo } from "./flow/types";

export const useFlow = create<FlowState>()(batching((...a) => ({
  ...createConfigSlice(...a),
  ...createTabsSlice(...a),
  ...createGraphSlice(...a),
  ...createHistorySlice(...a),
  ...createClipboardSlice(...a),
  ...createRunSlice(...a),
  ...createPastRunSlice(...a),
})));

export const selectCurrentTab = (state: FlowState) => currentTab(state);
