/** Outputs too large for one event arrive as stored-file links (`largeOutputs`): fetch them back into the node. */
import { useFlow } from "../store/flowStore";

export interface LargeOutputRef {
  index: number | null;
  url: string;
  bytes: number;
}

function refsOf(payload: Record<string, unknown>): LargeOutputRef[] {
  const refs = payload.largeOutputs;
  return Array.isArray(refs) ? refs.filter((r): r is LargeOutputRef => !!r && typeof (r as LargeOutputRef).url === "string") : [];
}

/** When a finished node's output came by link, fetch the texts and put the whole output on the node. */
export async function resolveLargeOutputs(payload: Record<string, unknown>, tabId: string | undefined): Promise<void> {
  const refs = refsOf(payload);
  const name = payload.instanceName;
  if (!refs.length || typeof name !== "string" || !payload.isDone) return;
  const linked = payload.output;
  const texts = await Promise.all(refs.map(async (ref) => {
    const response = await fetch(ref.url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.text();
  }));
  let output: unknown = linked;
  refs.forEach((ref, i) => {
    if (ref.index === null) output = texts[i];
    else if (Array.isArray(output)) output = output.map((item, j) => (j === ref.index ? texts[i] : item));
  });
  useFlow.getState().replaceOutput(name, linked, output, tabId);
}
