/** What the History pane shows: the state of its list, and pages merged into it. */
import { PAGE_SIZE, type RunPage, type RunSummary } from "../api/runsApi";

export type Listing =
  | { state: "loading" }
  | { state: "ready"; runs: RunSummary[]; nextCursor: string | null; more?: boolean }
  | { state: "unavailable" }
  | { state: "error"; message: string };

const startOf = (run: RunSummary) => run.startedAt ?? run.createdAt ?? "";

/** The list after a page came: a next page goes below; a first page read again replaces the newest runs and
 * keeps the older pages already shown (and their cursor). */
export function merged(shown: Extract<Listing, { state: "ready" }>, page: RunPage, next: boolean): Listing {
  if (next) {
    const known = new Set(shown.runs.map((r) => r.id));
    return { state: "ready", runs: [...shown.runs, ...page.runs.filter((r) => !known.has(r.id))], nextCursor: page.nextCursor };
  }
  if (shown.runs.length <= PAGE_SIZE || !page.runs.length) return { state: "ready", ...page };
  const fresh = new Set(page.runs.map((r) => r.id));
  const oldest = startOf(page.runs[page.runs.length - 1]);
  const older = shown.runs.filter((r) => !fresh.has(r.id) && startOf(r) < oldest);
  return { state: "ready", runs: [...page.runs, ...older], nextCursor: shown.nextCursor };
}
