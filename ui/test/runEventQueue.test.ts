import { afterEach, describe, expect, it, vi } from "vitest";
import { create } from "zustand";
import { flushRunEvents, queueRunEvent } from "../src/api/runEventQueue";
import { batch, batching } from "../src/store/batching";

interface Counter { count: number; bump: () => void }

const makeStore = () => create<Counter>()(batching((set) => ({ count: 0, bump: () => set((s) => ({ count: s.count + 1 })) })));

describe("batching", () => {
  it("tells each subscriber once per batch, with the state before the batch and the state after", () => {
    const store = makeStore();
    const heard: Array<[number, number]> = [];
    store.subscribe((state, previous) => heard.push([state.count, previous.count]));
    batch(() => {
      store.getState().bump();
      store.getState().bump();
      expect(store.getState().count).toBe(2); // the updates are made at once: only their news waits
    });
    expect(heard).toEqual([[2, 0]]);
    store.getState().bump();
    expect(heard).toEqual([[2, 0], [3, 2]]);
  });

  it("tells nobody when nested batches have not all ended, and tells them even when an update throws", () => {
    const store = makeStore();
    const heard: number[] = [];
    store.subscribe((state) => heard.push(state.count));
    expect(() => batch(() => {
      batch(() => store.getState().bump());
      expect(heard).toEqual([]);
      throw new Error("boom");
    })).toThrow("boom");
    expect(heard).toEqual([1]);
  });
});

describe("queueRunEvent", () => {
  afterEach(() => vi.useRealTimers());

  it("applies the first event of a frame at once and the frame's others together at its end, in order", () => {
    vi.useFakeTimers();
    const store = makeStore();
    let notices = 0;
    store.subscribe(() => { notices += 1; });
    const order: number[] = [];
    for (const n of [1, 2, 3]) queueRunEvent(() => { order.push(n); store.getState().bump(); });
    expect(order).toEqual([1]); // a click's answer is drawn without waiting for a frame
    expect(notices).toBe(1);
    vi.advanceTimersByTime(100); // no animation frames here (a hidden tab): the timer applies the others
    expect(order).toEqual([1, 2, 3]);
    expect(notices).toBe(2);

    queueRunEvent(() => order.push(4)); // a new frame: at once again
    queueRunEvent(() => order.push(5));
    expect(order).toEqual([1, 2, 3, 4]);
    flushRunEvents();
    expect(order).toEqual([1, 2, 3, 4, 5]);
    queueRunEvent(() => order.push(6)); // the flush ended the frame: at once
    expect(order).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("keeps applying the frame's other events when one fails", () => {
    vi.useFakeTimers();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const order: number[] = [];
    queueRunEvent(() => order.push(0));
    queueRunEvent(() => order.push(1));
    queueRunEvent(() => { throw new Error("bad event"); });
    queueRunEvent(() => order.push(3));
    flushRunEvents();
    expect(order).toEqual([0, 1, 3]);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
  });
});
