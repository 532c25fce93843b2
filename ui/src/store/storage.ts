/** localStorage (or sessionStorage) access that never throws (private mode, quota, tests without a DOM). */

/** "local" lasts; "session" lasts as long as the browser tab (reloads included). */
export type StorageArea = "local" | "session";

function store(area: StorageArea = "local"): Storage | undefined {
  try {
    if (area === "session") return typeof sessionStorage !== "undefined" ? sessionStorage : undefined;
    return typeof localStorage !== "undefined" ? localStorage : undefined;
  } catch {
    return undefined;
  }
}

export function readJson<T>(key: string, fallback: T, area: StorageArea = "local"): T {
  const raw = store(area)?.getItem(key);
  if (raw === null || raw === undefined) return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

export function readString(key: string): string | null {
  return store()?.getItem(key) ?? null;
}

export function write(key: string, value: unknown, area: StorageArea = "local"): boolean {
  try {
    store(area)?.setItem(key, typeof value === "string" ? value : JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function remove(key: string, area: StorageArea = "local"): void {
  try {
    store(area)?.removeItem(key);
  } catch {
    /* ignore */
  }
}
