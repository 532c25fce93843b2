/** REST calls to the server that served the page (same origin). */
import type { NodeConfig, NodeConfigVariant } from "../model/types";
import { flatParameters, usePrefs, type ParameterSections } from "../store/prefs";

export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, { ...init, headers: { Accept: "application/json", ...(init?.headers ?? {}) } });
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    // our routes answer {error}; the reference {message}; /api/v1 problem+json {title, detail}
    const problem = body as { error?: string; message?: string; detail?: string; title?: string } | undefined;
    const message = problem?.error ?? problem?.message ?? problem?.detail ?? problem?.title;
    throw new ApiError(message || `${response.status} ${response.statusText}`, response.status);
  }
  if (response.status === 204) return undefined as T;
  if (body === undefined) throw new ApiError(`Unexpected answer from ${path}`, response.status);
  return body as T;
}

/** The user's Replicate key (from the settings) for the catalogue routes, so the picker works without a server key. */
function replicateInit(): RequestInit | undefined {
  const key = flatParameters(usePrefs.getState().parameters).replicate_api_key;
  return typeof key === "string" && key ? { headers: { "X-Replicate-Api-Key": key } } : undefined;
}

export const api = {
  parameters: () => request<ParameterSections>("/parameters"),
  /** Every node type's config: /node/configs, else the reference's /node/extensions. */
  nodeConfigs: async (): Promise<NodeConfig[]> => {
    try {
      return (await request<{ nodes: NodeConfig[] }>("/node/configs")).nodes;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return (await request<{ extensions: NodeConfig[] }>("/node/extensions")).extensions;
      throw error;
    }
  },
  dynamicConfig: (processorType: string, data: Record<string, unknown>) =>
    request<NodeConfig | NodeConfigVariant>("/node/extensions/dynamic", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ processorType, data }),
    }),
  replicateModels: (cursor?: string) =>
    request<{ public?: { results?: ReplicateModel[]; next?: string | null }; highlighted?: ReplicateModel[] | null }>(
      `/node/models${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`, replicateInit()),
  replicateCollections: () =>
    request<{ results?: { name: string; slug: string; description?: string }[] }>("/node/collections", replicateInit()),
  replicateCollection: (slug: string, cursor?: string) =>
    request<{ models?: ReplicateModel[]; next?: string | null }>(`/node/collections/${slug}${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`, replicateInit()),
  replicateConfig: (model: string) =>
    request<{ schema: OpenApiSchema; modelId: string }>(`/node/replicate/config/${model}?processorType=replicate`, replicateInit()),
};

export interface ReplicateModel {
  owner: string;
  name: string;
  description?: string | null;
  cover_image_url?: string | null;
  run_count?: number;
}

export interface OpenApiSchema {
  components?: { schemas?: Record<string, SchemaObject> };
}

export interface SchemaObject {
  type?: string;
  title?: string;
  description?: string;
  enum?: unknown[];
  allOf?: { $ref?: string }[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  format?: string;
  required?: string[];
  properties?: Record<string, SchemaObject>;
  "x-order"?: number;
}

/** The cursor of a `next` URL (…?cursor=abc). */
export function cursorOf(next: string | null | undefined): string | undefined {
  if (!next) return undefined;
  try {
    return new URL(next, "http://x").searchParams.get("cursor") ?? undefined;
  } catch {
    return undefined;
  }
}

/** GET /upload?filename= then the multipart POST to the URL it gives; returns the file's link. */
export async function uploadFile(file: Blob, filename: string): Promise<string> {
  const target = await request<{ upload_data: { url: string; fields?: Record<string, string> }; download_link: string }>(
    `/upload?filename=${encodeURIComponent(filename)}`);
  const form = new FormData();
  for (const [key, value] of Object.entries(target.upload_data.fields ?? {})) form.append(key, value);
  form.append("file", file, filename);
  const response = await fetch(target.upload_data.url, { method: "POST", body: form });
  if (!response.ok) {
    let detail = "";
    try {
      const body = await response.json();
      detail = body?.error ?? "";
    } catch {
      /* not JSON */
    }
    throw new ApiError(detail || `upload refused (${response.status})`, response.status);
  }
  return target.download_link;
}
