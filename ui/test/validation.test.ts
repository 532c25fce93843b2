import { describe, expect, it } from "vitest";
import { checkRequired, missingFields, nodesForSingleRun, ancestorsOf } from "../src/model/validation";
import type { FlowEdge, FlowNode, NodeConfig } from "../src/model/types";
import { lookup } from "./fixtures";

const config: NodeConfig = {
  nodeName: "T", fields: [
    { name: "a", type: "input", required: true },
    { name: "b", type: "input" },
    { name: "c", type: "input", required: true },
    { name: "n", type: "numericfield", required: true },
    { name: "cond", type: "input", required: true, condition: { field: "mode", operator: "equals", value: "x" } },
    { name: "hid", type: "nonRendered", required: true, hidden: true },
  ],
};
const node = (id: string, data: Record<string, unknown> = {}, c = config, outputData?: unknown): FlowNode => ({
  id, type: "t", position: { x: 0, y: 0 }, data: { name: id, processorType: "t", config: c, ...data, ...(outputData !== undefined ? { outputData } : {}) },
});
const edge = (source: string, target: string, targetHandle = "handle-in-0"): FlowEdge => ({ id: `${source}-${target}`, source, target, sourceHandle: "handle-out-0", targetHandle });

describe("required fields", () => {
  it("reports missing required fields by name, in field order", () => {
    expect(missingFields(node("x"), [], [])).toEqual(["a", "c", "n"]);
    expect(missingFields(node("x", { a: "v", c: "  ", n: 0 }), [], [])).toEqual(["c"]);
  });

  it("ignores optional-only nodes, false conditions and hidden fields; checks a field whose condition holds", () => {
    expect(missingFields(node("x", {}, { nodeName: "O", fields: [{ name: "o", type: "input" }] }), [], [])).toEqual([]);
    expect(missingFields(node("x", { a: 1, c: 1, n: 1, mode: "x" }), [], [])).toEqual(["cond"]);
  });

  it("counts a field fed by an edge as given", () => {
    const nodes = [node("src", { a: 1, c: 1, n: 1 }), node("x", { c: 1, n: 1 })];
    expect(missingFields(nodes[1], [edge("src", "x", "handle-in-0")], nodes)).toEqual([]);
    const report = checkRequired(nodes, [], undefined);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ node: "x", label: "T", fields: ["a"] }]);
  });

  it("works with real configs (Text needs its text)", () => {
    const text: FlowNode = { id: "t#input-text", type: "input-text", position: { x: 0, y: 0 }, data: { name: "t#input-text", processorType: "input-text", config: lookup("input-text")! } };
    expect(missingFields(text, [], [text])).toEqual(["inputText"]);
  });
});

describe("nodes of a single-node run", () => {
  const nodes = [node("Start"), node("Middle"), node("End"), node("Independent"), node("Branch")];
  const edges = [edge("Start", "Middle"), edge("Middle", "End"), edge("Start", "Branch"), edge("Independent", "Branch", "handle-in-1")];

  it("is the node alone without inputs, the chain otherwise, parents first", () => {
    expect(ancestorsOf("Start", nodes, edges)).toEqual(["Start"]);
    expect(ancestorsOf("End", nodes, edges)).toEqual(["Start", "Middle", "End"]);
    expect(ancestorsOf("Branch", nodes, edges)).toEqual(["Start", "Independent", "Branch"]);
    expect(ancestorsOf("Unknown", nodes, edges)).toEqual(["Unknown"]);
  });

  it("stops at ancestors that kept an output (the server reuses it)", () => {
    const withOutput = nodes.map((x) => (x.id === "Middle" ? node("Middle", {}, config, "kept") : x));
    expect(nodesForSingleRun("End", withOutput, edges)).toEqual(["End"]);
  });
});
