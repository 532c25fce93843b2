import { describe, expect, it } from "vitest";
import { groupShift, layeredLayout, pushDown } from "../src/model/layout";
import type { FlowNode } from "../src/model/types";

const box = (id: string, x: number, y: number, width = 300, height = 200): FlowNode =>
  ({ id, type: "input-text", position: { x, y }, measured: { width, height }, data: { name: id, processorType: "input-text" } }) as unknown as FlowNode;

describe("layout", () => {
  it("pushes the nodes a grown node covers, and those they then cover", () => {
    const moved = pushDown([box("a", 0, 0, 300, 500), box("b", 50, 300), box("c", 0, 560), box("side", 400, 100)], ["a"]);
    expect(moved.b).toEqual({ x: 50, y: 530 });
    expect(moved.c).toEqual({ x: 0, y: 760 });
    expect(moved.side).toBeUndefined();
  });

  it("puts unlinked nodes in a grid right of the linked ones", () => {
    const nodes = [box("s", 0, 0), box("t", 0, 0), ...Array.from({ length: 9 }, (_, i) => box(`n${i}`, 0, 0))];
    const spots = layeredLayout(nodes, [{ id: "e", source: "s", target: "t" }] as never);
    const xs = new Set(Array.from({ length: 9 }, (_, i) => spots[`n${i}`].x));
    expect(xs.size).toBe(3);
    expect(Math.min(...xs)).toBeGreaterThan(spots.t.x);
  });

  it("moves a pasted group off the nodes it would cover", () => {
    const shift = groupShift([box("a", 0, 0)], [box("a", 0, 0)], { x: 60, y: 60 });
    expect(shift).not.toEqual({ x: 60, y: 60 });
  });
});
