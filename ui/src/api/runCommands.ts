/** Run, run one node, stop: what buttons and shortcuts call. The run machinery (runs.ts, with the socket) is its own
 * chunk, loaded after the first screen (App) or on first use. */
const runs = () => import("./runs");

/** Run the flow on screen; `fresh`: every node runs again (the output cache is bypassed). */
export function runAll(fresh = false): void {
  void runs().then((m) => m.runAll(fresh));
}

/** Run one node (and the ancestors it needs); `fresh`: bypass the output cache. */
export function runNode(name: string, fresh = false): void {
  void runs().then((m) => m.runNode(name, fresh));
}

/** Ask the server to cancel every run of this page. */
export function stopRuns(): void {
  void runs().then((m) => m.stopRuns());
}
