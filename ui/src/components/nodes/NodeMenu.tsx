/** The toolbar above a selected node: colour, rename, duplicate, open in the side pane, run fresh, clear, help, remove. */
import { NodeToolbar, Position } from "@xyflow/react";
import { useState } from "react";
import { runNode } from "../../api/runCommands";
import { useT } from "../../i18n";
import type { NodeData } from "../../model/types";
import { useDialogs } from "../../store/dialogs";
import { useFlow } from "../../store/flowStore";
import { usePrefs } from "../../store/prefs";
import { Duplicate, Eraser, HelpIcon, PaletteIcon, PanelRight, Pencil, Refresh, Trash } from "../icons";

const NODE_COLORS = ["", "#d2691e", "#b22222", "#06b6d4", "#84cc16", "#eab308", "#8a2be2", "#d946ef"];

/** Shown while the node is selected (its panels close with it). */
export function NodeMenu({ id, data }: { id: string; data: NodeData }) {
  const t = useT();
  const [panel, setPanel] = useState<null | "color" | "name">(null);
  const flow = useFlow.getState;
  const openHelp = useDialogs((s) => s.open);
  const setPrefs = usePrefs((s) => s.set);
  const appearance = data.appearance ?? {};
  return (
    <NodeToolbar isVisible position={Position.Top} offset={10} className="node-toolbar nodrag" data-testid={`node-toolbar-${id}`}>
      <div className="toolbar-row">
        <button type="button" title={t("NodeColor")} onClick={() => setPanel(panel === "color" ? null : "color")}>
          <span className="swatch" style={{ background: appearance.color || "transparent" }} /><PaletteIcon size={15} />
        </button>
        <button type="button" title={t("ChangeName")} onClick={() => setPanel(panel === "name" ? null : "name")} data-testid="node-action-rename"><Pencil size={15} /></button>
        <button type="button" title={t("Duplicate")} onClick={() => flow().duplicateNode(id)} data-testid="node-action-duplicate"><Duplicate size={15} /></button>
        <button type="button" title={t("OpeninSidepane")} onClick={() => { flow().selectNode(id); setPrefs({ sidePaneOpen: true, sidePaneTab: "current" }); }}><PanelRight size={15} /></button>
        <button type="button" title={t("RunFreshHint")} onClick={() => runNode(id, true)} data-testid="node-action-run-fresh"><Refresh size={15} /></button>
        <button type="button" title={t("ClearOutput")} onClick={() => flow().clearOutput(id)} data-testid="node-action-clear"><Eraser size={15} /></button>
        <button type="button" title={t("Help")} onClick={() => openHelp({ help: { nodeId: id } })} data-testid="node-action-help"><HelpIcon size={15} /></button>
        <button type="button" className="danger" title={t("RemoveNode")} onClick={() => flow().removeNodes([id])} data-testid="node-action-remove"><Trash size={15} /></button>
      </div>
      {panel === "color" && (
        <div className="toolbar-panel swatches">
          {NODE_COLORS.map((color) => (
            <button type="button" key={color || "none"} className={`swatch big ${color ? "" : "none"}`} style={{ background: color || undefined }}
              onClick={() => { flow().updateNodeData(id, { appearance: { ...appearance, color: color || undefined } }); setPanel(null); }} />
          ))}
        </div>
      )}
      {panel === "name" && (
        <div className="toolbar-panel">
          <input autoFocus className="input" placeholder={t("EnterCustomName")} defaultValue={appearance.customName ?? ""}
            onChange={(e) => flow().updateNodeData(id, { appearance: { ...appearance, customName: e.target.value || undefined } }, `rename:${id}`)}
            onKeyDown={(e) => { if (e.key === "Enter" || e.key === "Escape") { e.stopPropagation(); setPanel(null); } }} />
        </div>
      )}
    </NodeToolbar>
  );
}
