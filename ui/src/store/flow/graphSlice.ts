/** Slice: editing the current tab's graph (nodes, edges, fields, layout) and the selected node. */
import { applyEdgeChanges, applyNodeChanges } from "@xyflow/react";
import { defaultValues, effectiveInputNames, handleIndex, inHandle } from "../../model/fields";
import { deserializeFlow, EDGE_TYPE } from "../../model/flowJson";
import { newNodeName } from "../../model/ids";
import { groupShift, layeredLayout, pushDown } from "../../model/layout";
import type { FlowEdge, FlowNode, NodeConfig, NodeData } from "../../model/types";
import { clone, currentTab, mapNode, setRunState, tabUpdate } from "./tabModel";
import type { FlowSlice, GraphSlice } from "./types";

const INITIAL_DATA: Record<string, Record<string, unknown>> = {
  "ai-data-splitter": { mode: "manual", separator: ";", nbOutput: 2 },
};

const INITIAL_SIZE: Record<string, { width: number; height: number }> = {
  display: { width: 450, height: 260 },
};

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

/** The measured size a copy starts with, so that placing the next copies sees it. */
export function sizeOf(node: FlowNode): { measured?: { width?: number; height?: number } } {
  return node.measured ? { measured: { ...node.measured } } : {};
}

export const createGraphSlice: FlowSlice<GraphSlice> = (set, get) => {
  const updateTab = (fn: Parameters<typeof tabUpdate>[0]) => set(tabUpdate(fn));

  return {
    selectedNodeId: null,

    onNodesChange: (changes) => {
      if (changes.some((c) => c.type === "remove")) {
        const ids = changes.filter((c) => c.type === "remove").map((c) => (c as { id: string }).id);
        get().removeNodes(ids);
        changes = changes.filter((c) => c.type !== "remove");
        if (!changes.length) return;
      }
      // a node that grew (output, error, Validate) pushes the nodes under it down instead of covering them
      const resized = changes.filter((c) => c.type === "dimensions" && c.dimensions).map((c) => (c as { id: string }).id);
      updateTab((tab) => {
        const nodes = applyNodeChanges(changes, tab.nodes as never) as unknown as FlowNode[];
        const moved = resized.length ? pushDown(nodes, resized) : {};
        if (!Object.keys(moved).length) return { ...tab, nodes };
        return { ...tab, nodes: nodes.map((n) => (moved[n.id] ? { ...n, position: moved[n.id] } : n)) };
      });
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
    removeNodes: (ids, edgeIds = []) => {
      if (!ids.length && !edgeIds.length) return;
      get().pushHistory();
      const drop = new Set(ids);
      const dropEdges = new Set(edgeIds);
      updateTab((tab) => ({
        ...tab,
        nodes: tab.nodes.filter((n) => !drop.has(n.id)),
        edges: tab.edges.filter((e) => !drop.has(e.source) && !drop.has(e.target) && !dropEdges.has(e.id)),
      }));
      if (get().selectedNodeId && drop.has(get().selectedNodeId!)) set({ selectedNodeId: null });
    },
    removeSelection: () => {
      const tab = currentTab(get());
      const nodes = tab.nodes.filter((n) => n.selected).map((n) => n.id);
      const edges = tab.edges.filter((e) => e.selected).map((e) => e.id);
      get().removeNodes(nodes, edges);
      return nodes.length + edges.length;
    },
    removeEdge: (id) => {
      get().pushHistory();
      updateTab((tab) => ({ ...tab, edges: tab.edges.filter((e) => e.id !== id) }));
    },
    duplicateNode: (id) => get().duplicateNodes([id])[0],
    duplicateNodes: (ids) => {
      const all = currentTab(get()).nodes;
      const chosen = all.filter((n) => ids.includes(n.id));
      if (!chosen.length) return [];
      const shift = groupShift(all, chosen, { x: 100, y: 100 });
      const copies: FlowNode[] = chosen.map((node) => {
        const name = newNodeName(node.data.processorType);
        const data = { ...clone(node.data), name } as NodeData;
        delete data.isDone;
        delete data.lastRun;
        delete data.missingFields;
        return { id: name, type: node.type, position: { x: node.position.x + shift.x, y: node.position.y + shift.y }, data, selected: true, style: clone(node.style), ...sizeOf(node) };
      });
      get().pushHistory();
      updateTab((tab) => ({ ...tab, nodes: [...tab.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...copies] }));
      return copies.map((n) => n.id);
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
  };
};
