/** Slice: copying nodes (with the edges between them) and pasting them, renamed, into any tab. */
import { newNodeName } from "../../model/ids";
import { groupShift } from "../../model/layout";
import type { FlowEdge, FlowNode, NodeData } from "../../model/types";
import { clone, currentTab, tabUpdate } from "./tabModel";
import type { ClipboardSlice, FlowSlice } from "./types";

export const createClipboardSlice: FlowSlice<ClipboardSlice> = (set, get) => ({
  clipboard: null,
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
    // the pasted group lands in free space, as near as can be to `offset` from where it was copied
    const shift = groupShift(currentTab(get()).nodes, clip.nodes, offset);
    const names = new Map<string, string>();
    for (const node of clip.nodes) names.set(node.id, newNodeName(node.data.processorType));
    const nodes: FlowNode[] = clip.nodes.map((node) => {
      const name = names.get(node.id)!;
      const data = { ...clone(node.data), name } as NodeData;
      delete data.missingFields;
      return { id: name, type: node.type, position: { x: node.position.x + shift.x, y: node.position.y + shift.y }, data, selected: true, style: clone(node.style) };
    });
    const edges: FlowEdge[] = clip.edges.map((e) => {
      const source = names.get(e.source)!;
      const target = names.get(e.target)!;
      return { ...e, id: `${source}-to-${target}-${e.targetHandle ?? "0"}`, source, target, selected: false };
    });
    get().pushHistory();
    set(tabUpdate((tab) => ({
      ...tab,
      nodes: [...tab.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...nodes],
      edges: [...tab.edges, ...edges],
    })));
    // the next paste lands a little further
    set({ clipboard: { nodes: clip.nodes.map((n) => ({ ...n, position: { x: n.position.x + shift.x, y: n.position.y + shift.y } })), edges: clip.edges } });
    return nodes.map((n) => n.id);
  },
});
