/** Right pane, its own chunk (loaded when first opened, SidePaneSlot.tsx): the flow as JSON (import, export, clear), the
 * selected node's form and output, the flow's run history. */
import { Suspense, useMemo, useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { runNode } from "../api/runCommands";
import { useT } from "../i18n";
import { serializeFlow } from "../model/flowJson";
import { shownOutput } from "../model/outputLook";
import { selectCurrentTab, useFlow } from "../store/flowStore";
import { useDialogs } from "../store/dialogs";
import { usePrefs } from "../store/prefs";
import { toast } from "../store/toasts";
import { FieldList } from "./fields/FieldList";
import { HistoryView } from "./lazyParts";
import { exportFlow, importFlowFile } from "./flowFile";
import { saveToServer } from "./flowLibrary";
import { CloudUp, CopyIcon, DownloadIcon, Eraser, FolderOpen, NodeIcon, Play, Spinner, Trash, UploadIcon } from "./icons";
import { StatusBadge, useRunState } from "./nodes/NodeShell";
import { copyText } from "./output/clipboard";
import { OutputView } from "./output/OutputView";

/** Save to server / Open from server (the flow library), and which saved flow and version this tab is. */
function ServerButtons() {
  const t = useT();
  const linked = useFlow((s) => selectCurrentTab(s).serverFlow);
  const openLibrary = useDialogs((s) => s.open);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    setSaving(true);
    try {
      const ref = await saveToServer();
      toast.success(t("SavedToServer", { name: ref.name, version: ref.version }));
    } catch (error) {
      toast.error(`${t("SaveToServerFailed")}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setSaving(false);
    }
  };
  return (
    <>
      <div className="button-row">
        <button type="button" className="btn small" disabled={saving} onClick={() => void save()} data-testid="save-to-server">
          {saving ? <Spinner size={14} /> : <CloudUp size={14} />} {t("SaveToServer")}
        </button>
        <button type="button" className="btn small" onClick={() => openLibrary({ library: { open: true } })} data-testid="open-from-server"><FolderOpen size={14} /> {t("OpenFromServer")}</button>
      </div>
      {linked && <p className="muted small" data-testid="server-flow">{t("SavedAsVersion", { name: linked.name, version: linked.version })}</p>}
    </>
  );
}

function JsonView() {
  const t = useT();
  const tab = useFlow(selectCurrentTab);
  const [withConfig, setWithConfig] = useState(false);
  const [withCoordinates, setWithCoordinates] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const json = useMemo(() => JSON.stringify(serializeFlow(tab.nodes, tab.edges, { withConfig, withCoordinates }), null, 2), [tab.nodes, tab.edges, withConfig, withCoordinates]);
  const flow = useFlow.getState;
  return (
    <div className="json-view">
      <div className="button-row">
        <button type="button" className="btn small" onClick={() => file.current?.click()} data-testid="json-import"><UploadIcon size={14} /> {t("Upload")}</button>
        <input ref={file} type="file" accept="application/json,.json" hidden data-testid="json-import-input"
          onChange={(e) => { const f = e.target.files?.[0]; if (f) void importFlowFile(f); e.target.value = ""; }} />
        <button type="button" className="btn small" onClick={exportFlow} data-testid="json-export"><DownloadIcon size={14} /> {t("Download")}</button>
        <button type="button" className="btn small" onClick={() => flow().clearAllOutputs()} data-testid="json-clear-outputs"><Eraser size={14} /> {t("DeleteOutputs")}</button>
        <button type="button" className="btn small danger-outline" onClick={() => flow().deleteAll()} data-testid="json-delete-all"><Trash size={14} /> {t("DeleteAll")}</button>
      </div>
      <ServerButtons />
      <div className="switch-row">
        <label><input type="checkbox" checked={withConfig} onChange={(e) => setWithConfig(e.target.checked)} /> {t("ShowNodesConfig")}</label>
        <label><input type="checkbox" checked={withCoordinates} onChange={(e) => setWithCoordinates(e.target.checked)} /> {t("ShowCoordinates")}</label>
        <button type="button" className="icon-btn subtle" title={t("Copy")} onClick={() => copyText(json)} data-testid="json-copy"><CopyIcon size={14} /></button>
      </div>
      <pre className="json-preview" data-testid="json-preview">{json}</pre>
    </div>
  );
}

function CurrentNode() {
  const t = useT();
  const id = useFlow((s) => s.selectedNodeId);
  const node = useFlow((s) => (id ? selectCurrentTab(s).nodes.find((n) => n.id === id) : undefined));
  const linked = useFlow(useShallow((s) => (id ? selectCurrentTab(s).edges.filter((e) => e.target === id).map((e) => e.targetHandle ?? "handle-in-0") : [])));
  const state = useRunState(id ?? "");
  if (!id || !node) {
    return <div className="empty-pane"><p>{t("NoNodeSelected")}</p><p className="muted">{t("ClickOnNodeToSelectIt")}</p></div>;
  }
  const config = node.data.config;
  const { value: output, look } = shownOutput(state, node.data.outputData);
  return (
    <div className="current-node" data-testid="current-node">
      <div className="current-head">
        <NodeIcon name={config?.icon} label={t(config?.nodeName)} />
        <h3>{node.data.appearance?.customName || t(config?.nodeName)}</h3>
        <StatusBadge id={`pane-${id}`} state={state} />
        <button type="button" className="run-btn" onClick={() => runNode(id)} title={t("RunNode")}><Play size={13} /></button>
      </div>
      <code className="chip mono">{id}</code>
      {state?.status === "failed" && state.error && <div className="node-error">{state.error}</div>}
      <details open>
        <summary>{t("Parameters")}</summary>
        <FieldList nodeId={id} data={node.data} linkedHandles={new Set(linked)} hasParent={linked.length > 0} withHandles={false} alwaysLabels />
      </details>
      {output !== undefined && output !== null && output !== "" && (
        <details open>
          <summary>{t("Output")}</summary>
          <div className={`pane-output look-${look}`}>
            {look === "partial" && <div className="output-note">{t("PartialOutput")}</div>}
            {look === "stale" && <div className="output-note">{t("OutputFromEarlierRun")}</div>}
            <OutputView value={output} outputType={config?.outputType} nodeName={id} streaming={look === "streaming"} />
          </div>
        </details>
      )}
    </div>
  );
}

/** The pane (shown while open; its toggle: SidePaneSlot.tsx). */
export function SidePane() {
  const t = useT();
  const tab = usePrefs((s) => s.sidePaneTab);
  const set = usePrefs((s) => s.set);
  return (
    <aside className="side-pane" data-testid="side-pane">
      <div className="pills-tabs">
        <button type="button" className={tab === "json" ? "active" : ""} onClick={() => set({ sidePaneTab: "json" })} data-testid="side-tab-json">{t("JsonView")}</button>
        <button type="button" className={tab === "current" ? "active" : ""} onClick={() => set({ sidePaneTab: "current" })} data-testid="side-tab-current">{t("currentNodeView")}</button>
        <button type="button" className={tab === "history" ? "active" : ""} onClick={() => set({ sidePaneTab: "history" })} data-testid="side-tab-history">{t("HistoryView")}</button>
      </div>
      {tab === "json" ? <JsonView /> : tab === "current" ? <CurrentNode /> : <Suspense fallback={null}><HistoryView /></Suspense>}
    </aside>
  );
}
