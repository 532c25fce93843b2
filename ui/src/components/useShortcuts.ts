/** Global keyboard shortcuts (listed in the Help dialog and docs/ui.md). */
import { useReactFlow } from "@xyflow/react";
import { useEffect } from "react";
import { runAll, runNode, stopRuns } from "../api/runCommands";
import { selectCurrentTab, useFlow } from "../store/flowStore";
import { usePrefs } from "../store/prefs";

function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

export function useShortcuts() {
  const rf = useReactFlow();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const editing = isEditable(e.target);
      const flow = useFlow.getState();
      const selected = () => selectCurrentTab(flow).nodes.filter((n) => n.selected).map((n) => n.id);
      // a dialog or the guided tour (driver.js marks the page) has the keyboard
      if (document.querySelector(".modal-backdrop") || document.body.classList.contains("driver-active")) return;
      if (mod && key === "enter") { e.preventDefault(); runAll(e.shiftKey); return; }
      // Shift+Enter runs the selected node, or the node whose field is being edited
      if (e.shiftKey && !mod && !e.altKey && key === "enter") {
        const holder = (e.target as HTMLElement | null)?.closest?.(".react-flow__node") as HTMLElement | null;
        const target = holder?.dataset.id ?? (editing ? undefined : selected()[0]);
        if (target) { e.preventDefault(); runNode(target); }
        return;
      }
      if (key === "escape" && Object.keys(flow.runs).length) { e.preventDefault(); stopRuns(); return; }
      if (mod && key === "s") { e.preventDefault(); void import("./flowFile").then((m) => m.exportFlow()); return; }
      if (editing) return;
      if (key === "delete" || key === "backspace") { if (flow.removeSelection()) e.preventDefault(); return; }
      if (mod && key === "z" && !e.shiftKey) { e.preventDefault(); flow.undo(); return; }
      if ((mod && key === "z" && e.shiftKey) || (mod && key === "y")) { e.preventDefault(); flow.redo(); return; }
      if (mod && key === "c" && !window.getSelection()?.toString()) { if (flow.copy()) e.preventDefault(); return; }
      if (mod && key === "v") {
        if (!flow.clipboard?.nodes.length) return;
        e.preventDefault();
        flow.paste();
        return;
      }
      if (mod && key === "d") { e.preventDefault(); flow.duplicateNodes(selected()); return; }
      if (mod && key === "a") {
        e.preventDefault();
        flow.onNodesChange(selectCurrentTab(flow).nodes.map((n) => ({ type: "select", id: n.id, selected: true })));
        return;
      }
      if (e.shiftKey && key === "l" && !mod) { e.preventDefault(); flow.autoLayout(); setTimeout(() => rf.fitView({ padding: 0.15, maxZoom: 1, minZoom: 0.5, duration: 300 }), 50); return; }
      if (e.key === "?") { e.preventDefault(); usePrefs.getState().set({ modal: "help", helpView: null }); }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [rf]);
}
