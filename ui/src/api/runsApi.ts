/** The run history through the REST run API (/api/v1/runs): a flow's runs page by page, one run in full. */
import { ApiError, request } from "./rest";

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "interrupted";

export interface RunSummary {
  id: string;
  status: RunStatus;
  createdAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** seconds; null while the run goes on */
  duration: number | null;
  startedBy: "editor" | "api" | "cli" | string;
  target: string | null;
  flowId: string | null;
  error: string | null;
}

export interface RunNodeRecord {
  name: string;
  status: string;
  startedAt: string | null;
  endedAt: string | null;
  duration: number | null;
  output: unknown;
  error: string | null;
  cached?: boolean;
}

export interface RunDetail extends RunSummary {
  /** the flow as it ran (the jsonFile list, or its JSON string) */
  flow: unknown;
  nodes: RunNodeRecord[];
  outputs: Record<string, unknown>;
}

export interface RunPage {
  runs: RunSummary[];
  nextCursor: string | null;
}

/** The server has no run API (an older server: 404, or the editor's page served in its place). */
export class HistoryUnavailable extends Error {}

export const PAGE_SIZE = 20;

async function orUnavailable<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status < 300)) throw new HistoryUnavailable(error.message);
    throw error;
  }
}

export const runsApi = {
  /** One page of the runs of the flow `flowId`, newest first. */
  list: async (flowId: string, cursor?: string | null): Promise<RunPage> => {
    const query = new URLSearchParams({ flowId, limit: String(PAGE_SIZE) });
    if (cursor) query.set("cursor", cursor);
    const page = await orUnavailable(request<RunPage>(`/api/v1/runs?${query}`));
    if (!page || !Array.isArray(page.runs)) throw new HistoryUnavailable("no runs in the answer");
    return { runs: page.runs, nextCursor: page.nextCursor ?? null };
  },
  /** One run with its nodes' outputs; ApiError 404 when it is no longer in the history. */
  get: (runId: string) => request<RunDetail>(`/api/v1/runs/${encodeURIComponent(runId)}`),
};
