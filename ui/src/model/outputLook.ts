/** Which output a node shows for its run state, and how: current, streaming, partial (stopped), or from an earlier run. */
import type { NodeRunState } from "./types";

export type OutputLook = "current" | "streaming" | "partial" | "stale";

/** How the output held by a node relates to its run state: current, from an earlier run (while it re-runs, or
 * when the last run did not produce one), or the partial text of a stopped run. */
export function shownOutput(state: NodeRunState | undefined, output: unknown): { value: unknown; look: OutputLook } {
  const status = state?.status ?? "idle";
  if (status === "running" && state?.stream !== undefined) return { value: state.stream, look: "streaming" };
  if (status === "cancelled" && state?.stream) return { value: state.stream, look: "partial" };
  return { value: output, look: status === "idle" || status === "done" ? "current" : "stale" };
}
