/** Field conditions (reference-ui §5.4): a single comparison or a nested AND/OR group. */
import type { Condition, ConditionGroup } from "./types";

function isGroup(condition: Condition | ConditionGroup): condition is ConditionGroup {
  return Array.isArray((condition as ConditionGroup).conditions);
}

function compare(condition: Condition, data: Record<string, unknown>): boolean {
  const actual = data[condition.field];
  const expected = condition.value;
  switch (condition.operator) {
    case "equals":
      return actual === expected;
    case "not equals":
      return actual !== expected;
    case "in":
      return Array.isArray(expected) && expected.includes(actual);
    case "not in":
      return Array.isArray(expected) && !expected.includes(actual);
    case "greater than":
      return typeof actual === "number" && typeof expected === "number" && actual > expected;
    case "less than":
      return typeof actual === "number" && typeof expected === "number" && actual < expected;
    case "exists":
      return actual !== undefined && actual !== null;
    case "not exists":
      return actual === undefined || actual === null;
    default:
      return false;
  }
}

/** True when there is no condition, or when it holds for the node's values. */
export function evaluateCondition(
  condition: Condition | ConditionGroup | null | undefined,
  data: Record<string, unknown>,
): boolean {
  if (!condition) return true;
  if (isGroup(condition)) {
    if (condition.conditions.length === 0) return true;
    const results = condition.conditions.map((c) => evaluateCondition(c, data));
    return condition.logic === "OR" ? results.some(Boolean) : results.every(Boolean);
  }
  return compare(condition, data);
}
