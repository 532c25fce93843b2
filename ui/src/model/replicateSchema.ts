/** Replicate model schema (OpenAPI "Input") -> node fields (reference-ui §2.7.1). */
import type { Field } from "./types";

interface Prop {
  type?: string;
  description?: string;
  enum?: unknown[];
  allOf?: { $ref?: string }[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  format?: string;
  "x-order"?: number;
}

interface Schema {
  components?: { schemas?: Record<string, { properties?: Record<string, Prop>; required?: string[]; enum?: unknown[]; type?: string }> };
}

export function schemaToFields(schema: Schema): Field[] {
  const schemas = schema?.components?.schemas ?? {};
  const input = schemas.Input;
  if (!input?.properties) return [];
  const required = new Set(input.required ?? []);
  const entries = Object.entries(input.properties).sort(([, a], [, b]) => (a["x-order"] ?? 0) - (b["x-order"] ?? 0));
  const fields: Field[] = entries.map(([name, prop]) => {
    const ref = prop.allOf?.find((p) => p.$ref)?.$ref;
    const referenced = ref ? schemas[ref.split("/").pop() ?? ""] : undefined;
    const values = prop.enum ?? referenced?.enum;
    const base: Field = {
      name, type: "input", label: name, description: prop.description ?? null, defaultValue: prop.default,
      required: required.has(name),
    };
    if (values) {
      return {
        ...base, type: "select",
        options: values.map((v) => ({ label: String(v), value: String(v), default: v === prop.default })),
        defaultValue: prop.default !== undefined ? String(prop.default) : undefined,
      };
    }
    if (typeof prop.minimum === "number" && typeof prop.maximum === "number") {
      return { ...base, type: "slider", min: prop.minimum, max: prop.maximum, allowDecimal: prop.type !== "integer" };
    }
    if (prop.type === "boolean") return { ...base, type: "boolean" };
    if (prop.type === "integer" || prop.type === "number") {
      return { ...base, type: "numericfield", hasHandle: true, min: prop.minimum ?? null, max: prop.maximum ?? null, allowDecimal: prop.type === "number" };
    }
    if (prop.format === "uri") return { ...base, type: "fileUpload", hasHandle: true };
    return { ...base, type: (prop.description?.length ?? 0) > 0 && name.includes("prompt") ? "textarea" : "input", hasHandle: true };
  });
  return [...fields.filter((f) => f.required), ...fields.filter((f) => !f.required)];
}

/** "black-forest-labs/flux-dev" -> "Flux Dev" */
export function modelDisplayName(modelId: string): string {
  const name = modelId.split(":")[0].split("/").pop() ?? modelId;
  return name.split(/[-_]/).filter(Boolean).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ");
}
