/** useUpdateNodeInternals, batched: the calls made before the next frame (300 nodes mounting, say) become one update. */
import { useStoreApi, useUpdateNodeInternals } from "@xyflow/react";
import { useCallback } from "react";

/** Node ids waiting for the next frame, per React Flow instance (keyed by its store's getState: useStoreApi
 * gives each component an object of its own). */
const pending = new WeakMap<object, Set<string>>();

/** Ask React Flow to measure a node's handles again; the calls made before the next frame end in a single update
 * (one call per node made one change, a new node array and a render of the canvas per node). Not a microtask:
 * React runs the effects of 300 mounting nodes in several tasks. */
export function useRefreshInternals(): (id: string) => void {
  const store = useStoreApi();
  const update = useUpdateNodeInternals();
  return useCallback((id: string) => {
    const key = store.getState;
    let ids = pending.get(key);
    if (!ids) {
      const batch = new Set<string>();
      ids = batch;
      pending.set(key, batch);
      requestAnimationFrame(() => {
        pending.delete(key);
        update([...batch]);
      });
    }
    ids.add(id);
  }, [store, update]);
}
