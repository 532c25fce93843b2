/** Store notifications held back while a batch runs: many updates, then one notification per subscriber. */
import type { StateCreator } from "zustand";

type Listener = (state: never, previous: never) => void;

let depth = 0;
/** listener -> the state it last saw and the store to read the new one from */
const held = new Map<Listener, { previous: unknown; current: () => unknown }>();

/** Middleware: the store's subscribers are told of the updates made inside `batch()` once, at its end. */
export function batching<T>(config: StateCreator<T, [], []>): StateCreator<T, [], []> {
  return (set, get, api) => {
    const subscribe = api.subscribe;
    api.subscribe = (listener) =>
      subscribe((state, previous) => {
        if (depth === 0) return listener(state, previous);
        const key = listener as Listener;
        if (!held.has(key)) held.set(key, { previous, current: api.getState });
      });
    return config(set, get, api);
  };
}

/** Run `updates`; whoever subscribed to a batching store hears of them once, when they are all done. */
export function batch(updates: () => void): void {
  depth += 1;
  try {
    updates();
  } finally {
    depth -= 1;
    if (depth === 0 && held.size) {
      const waiting = [...held];
      held.clear();
      for (const [listener, { previous, current }] of waiting) listener(current() as never, previous as never);
    }
  }
}
