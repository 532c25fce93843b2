/** Field helpers: visibility, handle indexing, defaults, child fields (reference-ui §2.5, §5). */
import { evaluateCondition } from "./conditions";
import type { Field, NodeConfig, NodeData } from "./types";

export const inHandle = (index: number) => `handle-in-${index}`;
export const outHandle = (index: number) => `handle-out-${index}`;

/** The number k of a handle id `handle-in-k` / `handle-out-k`, or undefined. */
export function handleIndex(handleId: string | null | undefined): number | undefined {
  if (!handleId) return undefined;
  const match = /^handle-(?:in|out)-(\d+)$/.exec(handleId);
  return match ? Number(match[1]) : undefined;
}

/** A value the user has not given (0 and false are values). */
export function isEmptyValue(value: unknown): boolean {
  return (
    value === undefined || value === null || (typeof value === "string" && value.trim() === "") ||
    (Array.isArray(value) && value.length === 0)
  );
}

/**
 * The input names that handle indexes map to (handle-in-k -> names[k]).
 * Nodes with named handles: the fields whose condition holds (the reference's rewrite of inputNames).
 * Others: config.inputNames (or every field name) minus the entries whose field's condition is false.
 */
export function effectiveInputNames(data: Pick<NodeData, "config"> & Record<string, unknown>): string[] {
  const config = data.config;
  if (!config) return [];
  const fields = config.fields ?? [];
  if (config.showHandlesNames) {
    return fields.filter((f) => evaluateCondition(f.condition, data)).map((f) => f.name);
  }
  const names = config.inputNames ?? fields.map((f) => f.name);
  return names.filter((name) => {
    const field = fields.find((f) => f.name === name);
    return !field || evaluateCondition(field.condition, data);
  });
}

/** Unnamed input handles in the header (nodes with hasInputHandle and no named handles). */
export function headerHandleCount(config: NodeConfig): number {
  if (config.showHandlesNames || !config.hasInputHandle) return 0;
  if (config.inputNames?.length) return config.inputNames.length;
  if (config.fields?.some((f) => f.hasHandle)) return config.fields.length;
  return 1;
}

/** Handle id of a field's named handle, or undefined when the field has none right now. */
export function fieldHandleId(data: NodeData, fieldName: string): string | undefined {
  const index = effectiveInputNames(data).indexOf(fieldName);
  return index >= 0 ? inHandle(index) : undefined;
}

/** The field fed by an edge arriving at a target handle. */
export function inputNameForHandle(data: NodeData, handleId: string | null | undefined): string | undefined {
  const k = handleIndex(handleId) ?? 0;
  const names = effectiveInputNames(data);
  return names.length ? names[k] : undefined;
}

/** Fields to render, in order (hideIfParent, condition, hidden filters). */
export function visibleFields(data: NodeData, hasParent: boolean): Field[] {
  const config = data.config;
  return (config?.fields ?? []).filter(
    (field) =>
      !(hasParent && (field.hideIfParent || config.hideFieldsIfParent)) &&
      evaluateCondition(field.condition, data) &&
      !field.hidden,
  );
}

/** Default value of a field: the option flagged default, else defaultValue. */
export function fieldDefault(field: Field): unknown {
  const flagged = field.options?.find((o) => o.default);
  if (flagged && (field.type === "select" || field.type === "option")) return flagged.value;
  return field.defaultValue ?? undefined;
}

/** Values for every field that has none yet (a new node, or a config just replaced). */
export function defaultValues(config: NodeConfig, data: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of config.fields ?? []) {
    if (data[field.name] !== undefined) continue;
    const value = fieldDefault(field);
    if (value !== undefined && value !== null) values[field.name] = value;
  }
  return values;
}

function childBase(name: string): string {
  return name.replace(/_\d+$/, "");
}

function group(fields: Field[], base: string): number[] {
  const indexes: number[] = [];
  fields.forEach((f, i) => {
    if (f.name === base || (f.isChild && childBase(f.name) === base)) indexes.push(i);
  });
  return indexes;
}

/** canAddChildrenFields: a copy of the field named <base>_<n+1>, inserted after the group's last field. */
export function addChildField(config: NodeConfig, fieldName: string): NodeConfig {
  const fields = [...config.fields];
  const base = childBase(fieldName);
  const members = group(fields, base);
  if (!members.length) return config;
  const source = fields[members[0]];
  const child: Field = {
    ...source, name: `${base}_${members.length + 1}`, required: false, isLinked: false, isChild: true,
  };
  const at = members[members.length - 1] + 1;
  fields.splice(at, 0, child);
  let inputNames = config.inputNames ? [...config.inputNames] : null;
  if (inputNames) {
    const after = fields[at - 1].name;
    const pos = inputNames.indexOf(after);
    inputNames.splice(pos >= 0 ? pos + 1 : inputNames.length, 0, child.name);
  }
  return { ...config, fields, inputNames };
}

/** Remove a child field and renumber its group so names stay contiguous; returns renames old→new. */
export function removeChildField(
  config: NodeConfig, fieldName: string,
): { config: NodeConfig; renames: Record<string, string> } {
  const base = childBase(fieldName);
  const fields = config.fields.filter((f) => f.name !== fieldName);
  let inputNames = config.inputNames?.filter((n) => n !== fieldName) ?? null;
  const renames: Record<string, string> = {};
  let n = 1;
  for (const f of fields) {
    if (f.isChild && childBase(f.name) === base) {
      n += 1;
      const wanted = `${base}_${n}`;
      if (f.name !== wanted) renames[f.name] = wanted;
    }
  }
  const rename = (name: string) => renames[name] ?? name;
  inputNames = inputNames ? inputNames.map(rename) : null;
  return { config: { ...config, fields: fields.map((f) => ({ ...f, name: rename(f.name) })), inputNames }, renames };
}

/** The last field of a child group keeps the "add" button. */
export function isLastOfGroup(config: NodeConfig, fieldName: string): boolean {
  const members = group(config.fields, childBase(fieldName));
  return members.length > 0 && config.fields[members[members.length - 1]].name === fieldName;
}
