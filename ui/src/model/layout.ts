/** Auto-layout: columns by topological depth, nodes stacked in each column by their measured height. */
import { topologicalSort } from "./flowJson";
import type { FlowEdge, FlowNode } from "./types";

const COLUMN_GAP = 120;
const ROW_GAP = 48;
const DEFAULT_WIDTH = 380;
const DEFAULT_HEIGHT = 220;

function size(node: FlowNode): { width: number; height: number } {
  return {
    width: node.measured?.width ?? node.width ?? DEFAULT_WIDTH,
    height: node.measured?.height ?? node.height ?? DEFAULT_HEIGHT,
  };
}

/** New positions (by node id) for a left-to-right layered layout, keeping the flow's top-left corner. */
export function layeredLayout(nodes: FlowNode[], edges: FlowEdge[]): Record<string, { x: number; y: number }> {
  if (!nodes.length) return {};
  const depth = new Map<string, number>();
  for (const node of topologicalSort(nodes, edges)) {
    const parents = edges.filter((e) => e.target === node.id && depth.has(e.source));
    depth.set(node.id, parents.length ? Math.max(...parents.map((e) => depth.get(e.source)! + 1)) : 0);
  }
  const columns: FlowNode[][] = [];
  for (const node of nodes) {
    const d = depth.get(node.id) ?? 0;
    (columns[d] ??= []).push(node);
  }
  const originX = Math.min(...nodes.map((n) => n.position.x));
  const originY = Math.min(...nodes.map((n) => n.position.y));
  const result: Record<string, { x: number; y: number }> = {};
  let x = originX;
  for (const column of columns) {
    if (!column) continue;
    column.sort((a, b) => a.position.y - b.position.y);
    let y = originY;
    for (const node of column) {
      result[node.id] = { x, y };
      y += size(node).height + ROW_GAP;
    }
    x += Math.max(...column.map((n) => size(n).width)) + COLUMN_GAP;
  }
  return result;
}

/** A position near `wanted` where a new node does not cover an existing one. */
export function freeSpot(nodes: FlowNode[], wanted: { x: number; y: number }, width = DEFAULT_WIDTH, height = 200): { x: number; y: number } {
  const overlaps = (x: number, y: number) =>
    nodes.some((n) => {
      const s = size(n);
      return x < n.position.x + s.width + 20 && x + width + 20 > n.position.x && y < n.position.y + s.height + 20 && y + height + 20 > n.position.y;
    });
  for (let ring = 0; ring < 12; ring++) {
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1], [-1, 0], [0, -1], [-1, 1], [1, -1], [-1, -1]]) {
      const x = wanted.x + dx * ring * (width + 40);
      const y = wanted.y + dy * ring * (height + 40);
      if (!overlaps(x, y)) return { x, y };
    }
  }
  return wanted;
}
