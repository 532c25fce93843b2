/** One shared clock for the running nodes' elapsed times: a single timer, every running node redrawn in one pass. */
import { useEffect, useState } from "react";

const TICK_MS = 250;
const listeners = new Set<(now: number) => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: (now: number) => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    const now = Date.now();
    listeners.forEach((tell) => tell(now));
  }, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (!listeners.size && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** Date.now(), refreshed every tick while `ticking`. */
export function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    return subscribe(setNow);
  }, [ticking]);
  return now;
}
