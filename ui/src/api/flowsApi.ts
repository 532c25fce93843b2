/** The flow library on the server (/api/v1/flows): saved flows with versions, listed, opened, saved, renamed, deleted. */
import { request } from "./rest";

export interface FlowSummary {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  latestVersion: number;
}

export interface FlowDetail extends FlowSummary {
  /** the version this answer holds */
  version: number;
  /** the flow's node list (the jsonFile format) */
  flow: unknown;
  versions: { version: number; createdAt: string }[];
}

export interface FlowPage {
  flows: FlowSummary[];
  nextCursor: string | null;
}

const BASE = "/api/v1/flows";

function send<T>(path: string, method: string, body?: unknown): Promise<T> {
  return request<T>(path, {
    method,
    ...(body === undefined ? {} : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
  });
}

const one = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

export const flowsApi = {
  /** One page of the saved flows. */
  list: async (cursor?: string | null, limit = 50): Promise<FlowPage> => {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set("cursor", cursor);
    const page = await send<FlowPage>(`${BASE}?${query}`, "GET");
    return { flows: Array.isArray(page?.flows) ? page.flows : [], nextCursor: page?.nextCursor ?? null };
  },
  /** A saved flow, its latest version unless `version` is given; ApiError 404 when it is gone. */
  get: (id: string, version?: number) => send<FlowDetail>(version ? `${one(id)}?version=${version}` : one(id), "GET"),
  /** Save a new flow (its version 1). */
  create: (name: string, flow: unknown) => send<FlowDetail>(BASE, "POST", { name, flow }),
  /** Save a new version of a flow (and its name). */
  update: (id: string, flow: unknown, name?: string) => send<FlowDetail>(one(id), "PUT", { flow, ...(name ? { name } : {}) }),
  rename: (id: string, name: string) => send<FlowSummary>(one(id), "PATCH", { name }),
  remove: (id: string) => send<void>(one(id), "DELETE"),
};
