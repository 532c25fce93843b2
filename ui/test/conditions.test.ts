import { describe, expect, it } from "vitest";
import { evaluateCondition } from "../src/model/conditions";

describe("evaluateCondition", () => {
  it("is true without a condition and for an empty group", () => {
    expect(evaluateCondition(undefined, {})).toBe(true);
    expect(evaluateCondition(null, {})).toBe(true);
    expect(evaluateCondition({ logic: "AND", conditions: [] }, {})).toBe(true);
  });

  it("compares strictly with equals / not equals", () => {
    expect(evaluateCondition({ field: "a", operator: "equals", value: true }, { a: true })).toBe(true);
    expect(evaluateCondition({ field: "a", operator: "equals", value: true }, { a: "true" })).toBe(false);
    expect(evaluateCondition({ field: "a", operator: "not equals", value: 1 }, { a: "1" })).toBe(true);
  });

  it("checks membership with in / not in", () => {
    const c = { field: "model", operator: "in" as const, value: ["gpt-4o", "gpt-4.1"] };
    expect(evaluateCondition(c, { model: "gpt-4o" })).toBe(true);
    expect(evaluateCondition(c, { model: "o3" })).toBe(false);
    expect(evaluateCondition({ ...c, operator: "not in" }, { model: "o3" })).toBe(true);
    expect(evaluateCondition({ field: "x", operator: "in", value: "abc" }, { x: "a" })).toBe(false);
  });

  it("orders numbers only", () => {
    expect(evaluateCondition({ field: "n", operator: "greater than", value: 2 }, { n: 3 })).toBe(true);
    expect(evaluateCondition({ field: "n", operator: "greater than", value: 2 }, { n: "3" })).toBe(false);
    expect(evaluateCondition({ field: "n", operator: "less than", value: 2 }, { n: 1 })).toBe(true);
  });

  it("tests existence", () => {
    expect(evaluateCondition({ field: "x", operator: "exists" }, { x: 0 })).toBe(true);
    expect(evaluateCondition({ field: "x", operator: "exists" }, { x: null })).toBe(false);
    expect(evaluateCondition({ field: "x", operator: "not exists" }, {})).toBe(true);
  });

  it("combines nested AND / OR groups", () => {
    const group = {
      logic: "OR" as const,
      conditions: [
        { field: "a", operator: "equals" as const, value: 1 },
        { logic: "AND" as const, conditions: [{ field: "b", operator: "exists" as const }, { field: "c", operator: "equals" as const, value: "x" }] },
      ],
    };
    expect(evaluateCondition(group, { a: 1 })).toBe(true);
    expect(evaluateCondition(group, { a: 2, b: 1, c: "x" })).toBe(true);
    expect(evaluateCondition(group, { a: 2, b: 1, c: "y" })).toBe(false);
  });
});
