/** Run events from the socket applied in the order they came, at most twice per animation frame: the first event of
 * a frame at once (a click's answer is drawn without waiting for a frame), the ones after it in that frame together
 * at the next one, as one store update (a large flow streaming hundreds of events a second is drawn again once or
 * twice per frame, not once per event). */
import { batch } from "../store/batching";

/** A hidden tab gets no animation frames: its events are applied at this pace instead. */
const HIDDEN_PACE_MS = 100;

let queue: Array<() => void> = [];
let frame = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Apply `handle` now if it is the frame's first event, else with the frame's others at the next frame. */
export function queueRunEvent(handle: () => void): void {
  queue.push(handle);
  if (frame !== 0 || timer !== undefined) return;
  if (typeof requestAnimationFrame === "function") frame = requestAnimationFrame(flushRunEvents);
  timer = setTimeout(flushRunEvents, HIDDEN_PACE_MS);
  applyQueued();
}

/** Apply every queued event now (before anything that reads how far a run got, e.g. a join), and end the frame. */
export function flushRunEvents(): void {
  if (frame) cancelAnimationFrame(frame);
  clearTimeout(timer);
  frame = 0;
  timer = undefined;
  applyQueued();
}

function applyQueued(): void {
  const handles = queue;
  queue = [];
  if (!handles.length) return;
  batch(() => {
    for (const handle of handles) {
      try {
        handle();
      } catch (error) {
        console.error(error); // one bad event must not lose the others of its frame
      }
    }
  });
}
