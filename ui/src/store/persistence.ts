/** Tabs kept in localStorage (`flowTabs`, `currentTab`), the first-visit sample, the node clipboard. */
import { deserializeFlow } from "../model/flowJson";
import { emptyTab, normaliseTabs, useFlow, FLOW_VERSION } from "./flowStore";
import { readJson, readString, write } from "./storage";

const SAVE_DELAY_MS = 300;
/** Outputs larger than this are not kept in localStorage (its quota is a few MB for everything). */
const MAX_SAVED_OUTPUT_CHARS = 200_000;

function outputSize(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + outputSize(item), 0);
  return 0;
}

function withoutLargeOutput<T extends { data: Record<string, unknown> }>(node: T): T {
  if (outputSize(node.data.outputData) <= MAX_SAVED_OUTPUT_CHARS) return node;
  const { outputData: _dropped, ...data } = node.data;
  return { ...node, data };
}

/** Restore saved tabs, or load the intro sample on a first visit. */
export async function restoreTabs(fetchSample: () => Promise<unknown>): Promise<void> {
  const saved = readJson<{ tabs?: unknown } | null>("flowTabs", null);
  const tabs = normaliseTabs(saved?.tabs);
  const flow = useFlow.getState();
  const clipboard = readJson<{ nodes: unknown[]; edges: unknown[] } | null>("aiflow-clipboard", null);
  if (clipboard && Array.isArray(clipboard.nodes)) useFlow.setState({ clipboard: clipboard as never });
  if (tabs.length) {
    const current = Number(readString("currentTab") ?? 0);
    useFlow.setState({ tabs, current: Number.isInteger(current) && current >= 0 && current < tabs.length ? current : 0 });
    return;
  }
  if (readString("firstVisit") !== "false") {
    try {
      const sample = await fetchSample();
      // the sample carries configs only for when the server does not know a type yet
      const items = Array.isArray(sample)
        ? sample.map((item) => (flow.configs[item?.processorType] ? { ...item, config: undefined } : item))
        : sample;
      const { nodes, edges } = deserializeFlow(items, (type) => flow.configs[type]);
      useFlow.setState({ tabs: [{ ...emptyTab({ name: "Intro" }), nodes, edges }], current: 0 });
    } catch {
      /* no sample: start empty */
    }
    write("firstVisit", "false");
  }
}

/** Save tabs shortly after each change (outputs included; run states without live runs). */
export function startAutosave(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastTabs = useFlow.getState().tabs;
  let lastCurrent = useFlow.getState().current;
  let lastClipboard = useFlow.getState().clipboard;
  const save = () => {
    const { tabs, current } = useFlow.getState();
    const light = tabs.map((t) => ({
      ...t,
      metadata: { version: FLOW_VERSION, ...t.metadata },
      nodes: t.nodes.map(({ selected: _s, dragging: _d, ...n }) => withoutLargeOutput(n)),
      edges: t.edges.map(({ selected: _s, ...e }) => e),
    }));
    write("flowTabs", { tabs: light });
    write("currentTab", String(current));
  };
  const unsubscribe = useFlow.subscribe((state) => {
    if (state.clipboard !== lastClipboard) {
      lastClipboard = state.clipboard;
      write("aiflow-clipboard", state.clipboard);
    }
    if (state.tabs === lastTabs && state.current === lastCurrent) return;
    lastTabs = state.tabs;
    lastCurrent = state.current;
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  });
  const flush = () => {
    clearTimeout(timer);
    save();
  };
  window.addEventListener("beforeunload", flush);
  return () => {
    unsubscribe();
    window.removeEventListener("beforeunload", flush);
  };
}
