/** Export the current tab as flow.json, import a flow file into it. */
import { translate } from "../i18n";
import { serializeFlow } from "../model/flowJson";
import { selectCurrentTab, useFlow } from "../store/flowStore";
import { usePrefs } from "../store/prefs";
import { toast } from "../store/toasts";

export function exportFlow(): void {
  const tab = selectCurrentTab(useFlow.getState());
  const json = JSON.stringify(serializeFlow(tab.nodes, tab.edges), null, 2);
  const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
  const link = document.createElement("a");
  const name = typeof tab.metadata?.name === "string" && tab.metadata.name ? tab.metadata.name.replace(/[^\w-]+/g, "_") : "flow";
  link.href = url;
  link.download = `${name}.json`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export async function importFlowFile(file: File): Promise<void> {
  const language = usePrefs.getState().language;
  try {
    useFlow.getState().importFlow(JSON.parse(await file.text()));
    toast.success(translate(language, "FlowImported"));
  } catch (error) {
    toast.error(`${translate(language, "InvalidFlowFile")}: ${(error as Error).message}`);
  }
}
