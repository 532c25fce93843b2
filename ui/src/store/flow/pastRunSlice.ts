/** Slice: a run from the history shown on the canvas of the current tab. */
import { pastRunOnTab } from "./pastRun";
import { tabUpdate } from "./tabModel";
import type { FlowSlice, PastRunSlice } from "./types";

export const createPastRunSlice: FlowSlice<PastRunSlice> = (set, get) => ({
  showPastRun: (run) => {
    let missing: string[] = [];
    get().pushHistory();
    set(tabUpdate((tab) => {
      const shown = pastRunOnTab(tab, run);
      missing = shown.missing;
      return shown.tab;
    }));
    return missing;
  },
});
