/** Identifiers: node names `xxxxxxxxx#processorType`, run ids, tab ids. */

export function randomId(length = 9): string {
  let out = "";
  while (out.length < length) out += Math.random().toString(36).slice(2);
  return out.slice(0, length);
}

export function newNodeName(processorType: string): string {
  return `${randomId(9)}#${processorType}`;
}

export function newRunId(): string {
  return `run-${Date.now().toString(36)}-${randomId(8)}`;
}

export function newTabId(): string {
  return `tab-${randomId(10)}`;
}
