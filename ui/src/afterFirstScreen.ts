/** What loads once the canvas is drawn (Canvas.tsx calls this when its nodes are measured, or the tab is empty): the
 * Socket.IO connection, then (when the page is idle) the parts the next clicks most likely need, so that they show
 * without waiting. None of it is needed to see or edit the canvas. */

let started = false;

/** Run `start` after the next frame has been painted (or after a second, when no frame comes: a hidden tab). */
function afterPaint(start: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    setTimeout(start, 0);
  };
  requestAnimationFrame(once);
  setTimeout(once, 1000);
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

/** Start loading what comes after the first screen (once per page). */
export function afterFirstScreen(): void {
  if (started) return;
  started = true;
  afterPaint(() => {
    void import("./api/socket").then((m) => m.connectSocket());
    whenIdle(() => LIKELY_NEXT.forEach((load) => void load().catch(() => undefined)));
  });
}
