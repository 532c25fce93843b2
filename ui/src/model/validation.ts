/** Checks before a run: required fields, and which nodes a single-node run needs (reference-ui §3.1). */
import { evaluateCondition } from "./conditions";
import { edgeToInput, topologicalSort } from "./flowJson";
import { isEmptyValue } from "./fields";
import type { FlowEdge, FlowNode } from "./types";

/** Names of the required fields of a node that have no value and no edge feeding them, in field order. */
export function missingFields(node: FlowNode, edges: FlowEdge[], nodes: FlowNode[]): string[] {
  const incoming = edges.filter((e) => e.target === node.id);
  const fed = new Set(incoming.map((e) => edgeToInput(e, nodes).inputName).filter(Boolean));
  const hasParent = incoming.length > 0;
  const config = node.data.config;
  return (config?.fields ?? [])
    .filter((f) => f.required && !f.hidden)
    .filter((f) => !(hasParent && (f.hideIfParent || config.hideFieldsIfParent)))
    .filter((f) => evaluateCondition(f.condition, node.data))
    .filter((f) => !fed.has(f.name) && isEmptyValue(node.data[f.name]))
    .map((f) => f.name);
}

/** The target and the ancestors reached through edges that `follow` accepts, parents first. */
function upstreamOf(target: string, nodes: FlowNode[], edges: FlowEdge[], follow: (source: FlowNode) => boolean): string[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  if (!byId.has(target)) return [target];
  const selected = new Set<string>();
  const stack = [target];
  while (stack.length) {
    const id = stack.pop()!;
    if (selected.has(id)) continue;
    selected.add(id);
    for (const e of edges) {
      const source = byId.get(e.source);
      if (e.target === id && source && follow(source)) stack.push(e.source);
    }
  }
  return topologicalSort(nodes.filter((n) => selected.has(n.id)), edges).map((n) => n.id);
}

/** The target and the ancestors a run_node will execute (those without a kept output), parents first. */
export function nodesForSingleRun(target: string, nodes: FlowNode[], edges: FlowEdge[]): string[] {
  return upstreamOf(target, nodes, edges, (source) => isEmptyValue(source.data.outputData));
}

/** Every ancestor of a node, parents first, the node last. */
export function ancestorsOf(target: string, nodes: FlowNode[], edges: FlowEdge[]): string[] {
  return upstreamOf(target, nodes, edges, () => true);
}

export interface ValidationReport {
  ok: boolean;
  problems: { node: string; label: string; fields: string[] }[];
}

/** Missing required fields of the given nodes (all nodes when `only` is omitted). */
export function checkRequired(nodes: FlowNode[], edges: FlowEdge[], only?: string[]): ValidationReport {
  const scope = only ? nodes.filter((n) => only.includes(n.id)) : nodes;
  const problems = scope
    .map((n) => ({ node: n.id, label: n.data.appearance?.customName || n.data.config?.nodeName || n.id, fields: missingFields(n, edges, nodes) }))
    .filter((p) => p.fields.length > 0);
  return { ok: problems.length === 0, problems };
}
