/** Identifiers: node names `xxxxxxxxx#processorType`, run ids, tab ids. */

export function randomId(length = 9): string {
  let out = "";
  while (out.length < length) out += Math.random().toString(36).slice(2);
  return out.slice(0, length);
}

export function newNodeName(processorType: string): string {
  return `${randomId(9)}#${processorType}`;
}

/** 32 lowercase hex chars, 128 bits from crypto.getRandomValues: the server takes such an id as the run's capability. */
export function newRunId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function newTabId(): string {
  return `tab-${randomId(10)}`;
}
