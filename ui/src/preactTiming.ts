/** Preact runs useEffect callbacks after the next frame; after a discrete event (a key, a click) React runs them before
 * the next event is handled. React Flow reads keys through effects (a held Shift makes a click add to the selection),
 * so here effects run right after each render. */
import { options } from "preact";

options.requestAnimationFrame = (flush: () => void) => queueMicrotask(flush);
