/** Auto-layout (connected nodes in columns by depth, unconnected ones in a grid beside them), free spots, push-down. */
import { topologicalSort } from "./flowJson";
import type { FlowEdge, FlowNode } from "./types";

type Point = { x: number; y: number };

const COLUMN_GAP = 120;
const ROW_GAP = 48;
const GRID_GAP = 60;
const DEFAULT_WIDTH = 380;
const DEFAULT_HEIGHT = 220;
/** The space kept between a node that grew and the nodes it pushes down. */
export const PUSH_GAP = 30;

function size(node: FlowNode): { width: number; height: number } {
  return {
    width: node.measured?.width ?? node.width ?? DEFAULT_WIDTH,
    height: node.measured?.height ?? node.height ?? DEFAULT_HEIGHT,
  };
}

/** Columns by topological depth for the connected nodes, starting at `origin`; returns the right edge. */
function layerColumns(nodes: FlowNode[], edges: FlowEdge[], origin: Point, result: Record<string, Point>): number {
  const depth = new Map<string, number>();
  for (const node of topologicalSort(nodes, edges)) {
    const parents = edges.filter((e) => e.target === node.id && depth.has(e.source));
    depth.set(node.id, parents.length ? Math.max(...parents.map((e) => depth.get(e.source)! + 1)) : 0);
  }
  const columns: FlowNode[][] = [];
  for (const node of nodes) (columns[depth.get(node.id) ?? 0] ??= []).push(node);
  let x = origin.x;
  for (const column of columns) {
    if (!column) continue;
    column.sort((a, b) => a.position.y - b.position.y);
    let y = origin.y;
    for (const node of column) {
      result[node.id] = { x, y };
      y += size(node).height + ROW_GAP;
    }
    x += Math.max(...column.map((n) => size(n).width)) + COLUMN_GAP;
  }
  return x;
}

/** A grid of about square shape (rows of equal count, each row as tall as its tallest node). */
function grid(nodes: FlowNode[], origin: Point, result: Record<string, Point>): void {
  const perRow = Math.max(1, Math.ceil(Math.sqrt(nodes.length)));
  const sorted = [...nodes].sort((a, b) => a.position.y - b.position.y || a.position.x - b.position.x);
  let y = origin.y;
  for (let start = 0; start < sorted.length; start += perRow) {
    const row = sorted.slice(start, start + perRow);
    let x = origin.x;
    for (const node of row) {
      result[node.id] = { x, y };
      x += size(node).width + GRID_GAP;
    }
    y += Math.max(...row.map((n) => size(n).height)) + GRID_GAP;
  }
}

/** New positions (by node id): linked nodes left to right by depth, unlinked ones in a grid on their right. */
export function layeredLayout(nodes: FlowNode[], edges: FlowEdge[]): Record<string, Point> {
  if (!nodes.length) return {};
  const linked = new Set(edges.flatMap((e) => [e.source, e.target]));
  const connected = nodes.filter((n) => linked.has(n.id));
  const alone = nodes.filter((n) => !linked.has(n.id));
  const origin = { x: Math.min(...nodes.map((n) => n.position.x)), y: Math.min(...nodes.map((n) => n.position.y)) };
  const result: Record<string, Point> = {};
  const right = connected.length ? layerColumns(connected, edges, origin, result) : origin.x;
  grid(alone, { x: right, y: origin.y }, result);
  return result;
}

function overlapsBox(n: FlowNode, x: number, y: number, width: number, height: number, gap = 20): boolean {
  const s = size(n);
  return x < n.position.x + s.width + gap && x + width + gap > n.position.x && y < n.position.y + s.height + gap && y + height + gap > n.position.y;
}

/** A position near `wanted` where a new node does not cover an existing one. */
export function freeSpot(nodes: FlowNode[], wanted: Point, width = DEFAULT_WIDTH, height = 200): Point {
  const overlaps = (x: number, y: number) => nodes.some((n) => overlapsBox(n, x, y, width, height));
  for (let ring = 0; ring < 12; ring++) {
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1], [-1, 0], [0, -1], [-1, 1], [1, -1], [-1, -1]]) {
      const x = wanted.x + dx * ring * (width + 40);
      const y = wanted.y + dy * ring * (height + 40);
      if (!overlaps(x, y)) return { x, y };
    }
  }
  return wanted;
}

/** The shift that puts a group of new nodes (moved by `offset` from where they were) in free space. */
export function groupShift(existing: FlowNode[], group: FlowNode[], offset: Point): Point {
  if (!group.length) return offset;
  const left = Math.min(...group.map((n) => n.position.x));
  const top = Math.min(...group.map((n) => n.position.y));
  const width = Math.max(...group.map((n) => n.position.x + size(n).width)) - left;
  const height = Math.max(...group.map((n) => n.position.y + size(n).height)) - top;
  const spot = freeSpot(existing, { x: left + offset.x, y: top + offset.y }, width, height);
  return { x: spot.x - left, y: spot.y - top };
}

/**
 * Positions of the nodes pushed down because the nodes `grown` (new sizes) now reach over them: a node whose top
 * lies below a grown node's top and that it covers moves under it; the nodes it then covers move too.
 */
export function pushDown(nodes: FlowNode[], grown: string[]): Record<string, Point> {
  const moved: Record<string, Point> = {};
  const at = (n: FlowNode) => ({ ...n, position: moved[n.id] ?? n.position });
  const queue = [...grown];
  for (let steps = 0; queue.length && steps < 10_000; steps++) {
    const pusher = nodes.find((n) => n.id === queue[0]);
    queue.shift();
    if (!pusher) continue;
    const p = at(pusher);
    const s = size(p);
    for (const other of nodes) {
      if (other.id === p.id) continue;
      const o = at(other);
      if (o.position.y < p.position.y || !overlapsBox(o, p.position.x, p.position.y, s.width, s.height, 0)) continue;
      moved[o.id] = { x: o.position.x, y: p.position.y + s.height + PUSH_GAP };
      queue.push(o.id);
    }
  }
  return moved;
}
