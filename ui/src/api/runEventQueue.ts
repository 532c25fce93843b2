/** Run events from the socket applied once per animation frame, in the order they came, as one store update:
 * a large flow streaming hundreds of events a second is drawn again once per frame, not once per event. */
import { batch } from "../store/batching";

/** A hidden tab gets no animation frames: its events are applied at this pace instead. */
const HIDDEN_PACE_MS = 100;

let queue: Array<() => void> = [];
let frame = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Apply `handle` with the other events of this frame. */
export function queueRunEvent(handle: () => void): void {
  queue.push(handle);
  if (frame || timer !== undefined) return;
  if (typeof requestAnimationFrame === "function") frame = requestAnimationFrame(flushRunEvents);
  timer = setTimeout(flushRunEvents, HIDDEN_PACE_MS);
}

/** Apply every queued event now (before anything that reads how far a run got, e.g. a join). */
export function flushRunEvents(): void {
  if (frame) cancelAnimationFrame(frame);
  clearTimeout(timer);
  frame = 0;
  timer = undefined;
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
