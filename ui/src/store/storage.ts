/** localStorage access that never throws (private mode, quota, tests without a DOM). */

function store(): Storage | undefined {
  try {
    return typeof localStorage !== "undefined" ? localStorage : undefined;
  } catch {
    return undefined;
  }
}

export function readJson<T>(key: string, fallback: T): T {
  const raw = store()?.getItem(key);
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

export function write(key: string, value: unknown): boolean {
  try {
    store()?.setItem(key, typeof value === "string" ? value : JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function remove(key: string): void {
  try {
    store()?.removeItem(key);
  } catch {
    /* ignore */
  }
}
