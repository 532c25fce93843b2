/** Parts the first screen does not need, each in its own chunk, loaded when first shown (dialogs, history). */
import { lazy, Suspense, type ComponentType, type ReactNode } from "react";
import { useDialogs } from "../store/dialogs";
import { usePrefs } from "../store/prefs";

function later<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  return lazy(async () => ({ default: await load() }));
}

const SettingsModal = later(() => import("./SettingsModal").then((m) => m.SettingsModal));
const HelpModal = later(() => import("./HelpModal").then((m) => m.HelpModal));
const TextEditDialog = later(() => import("./dialogs/TextEditDialog").then((m) => m.TextEditDialog));
const NodeHelpDialog = later(() => import("./dialogs/NodeHelpDialog").then((m) => m.NodeHelpDialog));
const ReplicatePicker = later(() => import("./dialogs/ReplicatePicker").then((m) => m.ReplicatePicker));
const MaskEditor = later(() => import("./dialogs/MaskEditor").then((m) => m.MaskEditor));
const FlowLibraryDialog = later(() => import("./dialogs/FlowLibraryDialog").then((m) => m.FlowLibraryDialog));
export const HistoryView = later(() => import("./HistoryView").then((m) => m.HistoryView));

function Loaded({ children }: { children: ReactNode }) {
  return <Suspense fallback={null}>{children}</Suspense>;
}

/** The dialogs of the page, each loaded the first time it opens. */
export function Dialogs() {
  const modal = usePrefs((s) => s.modal);
  const dialogs = useDialogs();
  return (
    <Loaded>
      {modal === "settings" && <SettingsModal />}
      {modal === "help" && <HelpModal />}
      {dialogs.textEdit && <TextEditDialog />}
      {dialogs.help && <NodeHelpDialog />}
      {dialogs.replicate && <ReplicatePicker />}
      {dialogs.mask && <MaskEditor />}
      {dialogs.library && <FlowLibraryDialog />}
    </Loaded>
  );
}
