/** Flow <-> JSON: topological order, the reference's "jsonFile" serialisation, and import (reference-ui §3.2, §6). */
import { effectiveInputNames, handleIndex, inHandle, outHandle } from "./fields";
import type { FlowEdge, FlowNode, NodeConfig, NodeData, SerializedInput, SerializedNode } from "./types";

export const EDGE_TYPE = "buttonedge";
const ESSENTIAL_KEYS = ["fields", "nodeName", "inputNames", "hasInputHandle", "outputType", "showHandlesNames"] as const;
const NOT_SERIALISED = new Set(["config", "variantConfig"]);

/** Parents before children; independent nodes keep their order; nodes of a cycle come last. */
export function topologicalSort<T extends { id: string }>(nodes: T[], edges: { source: string; target: string }[]): T[] {
  const indegree = new Map(nodes.map((n) => [n.id, 0]));
  const children = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    if (!indegree.has(e.source) || !indegree.has(e.target) || e.source === e.target) continue;
    indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
    children.get(e.source)!.push(e.target);
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const order: T[] = [];
  const done = new Set<string>();
  const ready = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  while (ready.length) {
    const id = ready.shift()!;
    if (done.has(id)) continue;
    done.add(id);
    order.push(byId.get(id)!);
    for (const child of children.get(id)!) {
      const left = (indegree.get(child) ?? 0) - 1;
      indegree.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  for (const n of nodes) if (!done.has(n.id)) order.push(n);
  return order;
}

/** The config keys a run or an export carries. */
export function configEssentials(config: NodeConfig | undefined): Partial<NodeConfig> {
  const out: Record<string, unknown> = {};
  if (!config) return out;
  for (const key of ESSENTIAL_KEYS) if (config[key] !== undefined) out[key] = config[key];
  return out as Partial<NodeConfig>;
}

/** One incoming edge as the backend reads it. */
export function edgeToInput(edge: FlowEdge, nodes: FlowNode[]): SerializedInput {
  const source = nodes.find((n) => n.id === edge.source);
  const target = nodes.find((n) => n.id === edge.target);
  const input: SerializedInput = { inputNode: source?.data.name ?? edge.source };
  const key = handleIndex(edge.sourceHandle);
  if (key !== undefined) input.inputNodeOutputKey = key;
  if (target) {
    const names = effectiveInputNames(target.data);
    const name = names.length ? names[handleIndex(edge.targetHandle) ?? 0] : undefined;
    if (name !== undefined) input.inputName = name;
  }
  return input;
}

export function parentsOf(nodeId: string, edges: FlowEdge[]): string[] {
  return [...new Set(edges.filter((e) => e.target === nodeId).map((e) => e.source))];
}

export interface SerializeOptions {
  withConfig?: boolean;
  withCoordinates?: boolean;
}

/** The flow as the list of node objects of the reference format (topological order). */
export function serializeFlow(nodes: FlowNode[], edges: FlowEdge[], options: SerializeOptions = {}): SerializedNode[] {
  const { withConfig = true, withCoordinates = true } = options;
  return topologicalSort(nodes, edges).map((node) => {
    const out: Record<string, unknown> = { name: node.data.name, processorType: node.data.processorType };
    for (const [key, value] of Object.entries(node.data)) {
      if (!NOT_SERIALISED.has(key) && !(key in out) && value !== undefined) out[key] = value;
    }
    out.inputs = edges.filter((e) => e.target === node.id).map((e) => edgeToInput(e, nodes));
    if (withConfig) out.config = configEssentials(node.data.config);
    if (withCoordinates) {
      out.x = node.position.x;
      out.y = node.position.y;
    }
    return out as SerializedNode;
  });
}

/** The `jsonFile` string of a run. */
export function flowJsonFile(nodes: FlowNode[], edges: FlowEdge[]): string {
  return JSON.stringify(serializeFlow(nodes, edges));
}

export type ConfigLookup = (processorType: string) => NodeConfig | undefined;

function mergeConfig(registry: NodeConfig | undefined, fromFile: Partial<NodeConfig> | undefined, type: string): NodeConfig {
  const base: NodeConfig = registry ? structuredClone(registry) : { nodeName: type, fields: [] };
  const merged = { ...base, ...(fromFile ? structuredClone(fromFile) : {}) } as NodeConfig;
  if (!Array.isArray(merged.fields)) merged.fields = [];
  return merged;
}

function legacyInputs(item: Record<string, unknown>): SerializedInput[] {
  if (Array.isArray(item.inputs)) return item.inputs as SerializedInput[];
  if (typeof item.input === "string" && item.input) {
    const key = Number(item.inputKey);
    return [{ inputNode: item.input, ...(Number.isFinite(key) ? { inputNodeOutputKey: key } : {}) }];
  }
  return [];
}

/** Nodes and edges from the reference's exported format (an array of node objects). */
export function deserializeFlow(raw: unknown, lookup: ConfigLookup): { nodes: FlowNode[]; edges: FlowEdge[] } {
  if (raw && typeof raw === "object" && !Array.isArray(raw) && Array.isArray((raw as { nodes?: unknown }).nodes)) {
    const tab = raw as { nodes: FlowNode[]; edges?: FlowEdge[] };
    return { nodes: tab.nodes, edges: tab.edges ?? [] };
  }
  if (!Array.isArray(raw)) throw new Error("A flow file is a JSON array of nodes.");
  const nodes: FlowNode[] = [];
  const pending: { name: string; inputs: SerializedInput[] }[] = [];
  raw.forEach((item, index) => {
    if (!item || typeof item !== "object") throw new Error(`Node #${index + 1} is not an object.`);
    const obj = item as Record<string, unknown>;
    const name = obj.name;
    const type = obj.processorType;
    if (typeof name !== "string" || !name) throw new Error(`Node #${index + 1} has no name.`);
    if (typeof type !== "string" || !type) throw new Error(`Node '${name}' has no processorType.`);
    const { inputs: _inputs, input: _input, inputKey: _inputKey, x, y, config, ...rest } = obj;
    const data = {
      ...rest, name, processorType: type,
      config: mergeConfig(lookup(type), config as Partial<NodeConfig> | undefined, type),
    } as NodeData;
    const position = {
      x: typeof x === "number" ? x : 120 + (index % 4) * 420,
      y: typeof y === "number" ? y : 120 + Math.floor(index / 4) * 360,
    };
    nodes.push({ id: name, type, position, data });
    pending.push({ name, inputs: legacyInputs(obj) });
  });
  const edges: FlowEdge[] = [];
  const ids = new Set<string>();
  const names = new Set(nodes.map((n) => n.id));
  for (const { name, inputs } of pending) {
    const target = nodes.find((n) => n.id === name)!;
    const inputNames = effectiveInputNames(target.data);
    inputs.forEach((input, position) => {
      if (!input || typeof input.inputNode !== "string" || !names.has(input.inputNode)) return;
      const found = input.inputName !== undefined ? inputNames.indexOf(input.inputName) : -1;
      let id = `${input.inputNode}-to-${name}`;
      for (let n = 2; ids.has(id); n++) id = `${input.inputNode}-to-${name}-${n}`;
      ids.add(id);
      edges.push({
        id, source: input.inputNode, target: name, type: EDGE_TYPE,
        sourceHandle: outHandle(Number.isInteger(Number(input.inputNodeOutputKey)) && input.inputNodeOutputKey !== null && input.inputNodeOutputKey !== undefined ? Number(input.inputNodeOutputKey) : 0),
        targetHandle: inHandle(found >= 0 ? found : position),
      });
    });
  }
  return { nodes, edges };
}
