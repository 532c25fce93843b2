import { describe, expect, it, vi } from "vitest";
import { newRunId } from "../src/model/ids";

describe("run ids", () => {
  it("are 32 lowercase hex chars", () => {
    expect(newRunId()).toMatch(/^[0-9a-f]{32}$/);
  });

  it("come from crypto.getRandomValues, 16 bytes", () => {
    const spy = vi.spyOn(crypto, "getRandomValues");
    const id = newRunId();
    expect(spy).toHaveBeenCalledTimes(1);
    const bytes = spy.mock.results[0].value as Uint8Array;
    expect(bytes.length).toBe(16);
    expect(id).toBe(Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""));
    spy.mockRestore();
  });

  it("do not repeat", () => {
    const ids = new Set(Array.from({ length: 1000 }, newRunId));
    expect(ids.size).toBe(1000);
  });
});
