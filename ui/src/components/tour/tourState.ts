/** The guided tour's start (its own chunk, driver.js: nothing of the tour is in the editor's first load) and the first visit's. */
import { tourSeen } from "./tourFlag";

/** Show the tour now (the help popup's "Take the tour", the first visit). */
export async function startTour(): Promise<void> {
  const { runTour } = await import("./Tour");
  await runTour();
}

/** On the first visit, the tour once the canvas shows the intro flow (or after 3 s without a node); the returned
 *  function cancels it if it has not started yet. */
export function startTourOnFirstVisit(): () => void {
  if (tourSeen()) return () => {};
  const since = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = () => {
    const drawn = document.querySelector(".react-flow__node") !== null || Date.now() - since > 3000;
    if (drawn && !document.querySelector(".modal-backdrop") && !tourSeen()) startTour().catch(() => undefined);
    else if (!tourSeen()) timer = setTimeout(wait, 250);
  };
  timer = setTimeout(wait, 250);
  return () => clearTimeout(timer);
}
