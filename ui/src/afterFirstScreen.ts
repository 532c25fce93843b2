/** What loads once the first screen is drawn: the Socket.IO connection, then (when the page is idle) the parts the
 * next clicks most likely need, so that they show without waiting. None of it is needed to see or edit the canvas. */

/** Run `start` after the next frame has been painted. */
function afterPaint(start: () => void): void {
  requestAnimationFrame(() => setTimeout(start, 0));
}

function whenIdle(start: () => void): void {
  if (typeof window.requestIdleCallback === "function") window.requestIdleCallback(start, { timeout: 2000 });
  else setTimeout(start, 200);
}

/** Chunks worth having before they are first shown (each import is fetched once; errors are left to the real use). */
const LIKELY_NEXT: (() => Promise<unknown>)[] = [
  () => import("./api/runs"),
  () => import("./components/output/OutputView"),
  () => import("./components/nodes/NodeMenu"),
  () => import("./components/nodes/SpecialNodes"),
  () => import("./components/nodes/ReplicateNode"),
  () => import("./components/fields/moreWidgets"),
];

export function afterFirstScreen(): void {
  afterPaint(() => {
    void import("./api/socket").then((m) => m.connectSocket());
    whenIdle(() => LIKELY_NEXT.forEach((load) => void load().catch(() => undefined)));
  });
}
