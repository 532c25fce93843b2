/** Replicate node: pick a model (catalogue or owner/name), turn its input schema into fields, then a generic form. */
import type { NodeProps } from "@xyflow/react";
import { useEffect, useRef, useState } from "react";
import { api } from "../../api/rest";
import { useT } from "../../i18n";
import { modelDisplayName, schemaToFields } from "../../model/replicateSchema";
import type { NodeData } from "../../model/types";
import { useDialogs } from "../../store/dialogs";
import { useFlow } from "../../store/flowStore";
import { toast } from "../../store/toasts";
import { translate } from "../../i18n";
import { usePrefs } from "../../store/prefs";
import { Spinner } from "../icons";
import { NodeForm, useDefaults } from "./GenericNode";
import { NodeShell } from "./NodeShell";

/** Fetch a model's schema and make the node that model's form. */
export async function configureReplicateNode(id: string, modelId: string): Promise<void> {
  const model = modelId.trim().split(":")[0];
  try {
    const { schema, modelId: version } = await api.replicateConfig(model);
    const fields = schemaToFields(schema);
    const node = useFlow.getState().tabs[useFlow.getState().current].nodes.find((n) => n.id === id);
    if (!node) return;
    useFlow.getState().setNodeConfig(id, {
      ...node.data.config, nodeName: modelDisplayName(model), icon: "ReplicateLogo", fields,
      inputNames: fields.map((f) => f.name), showHandlesNames: true, hasInputHandle: false,
    }, { model: `${model}:${version}`, nodeLoaded: true });
  } catch (error) {
    const language = usePrefs.getState().language;
    toast.error(`${translate(language, "ReplicateModelError", { model })} ${(error as Error).message}`);
    throw error;
  }
}

export function ReplicateNode(props: NodeProps) {
  const { id, data, selected } = props;
  const t = useT();
  const d = data as NodeData;
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState("");
  const openPicker = useDialogs((s) => s.open);
  const loaded = Boolean(d.nodeLoaded) || (d.config?.fields?.length ?? 0) > 0;
  const started = useRef(false);
  useDefaults(id, d);

  const load = async (modelId: string) => {
    if (!modelId.includes("/")) return;
    setBusy(true);
    try { await configureReplicateNode(id, modelId); } catch { /* toast shown */ } finally { setBusy(false); }
  };

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const preset = d.config?.nodeName ?? "";
    if (!loaded && preset.includes("/")) void load(preset);
    // old saved nodes: fields present, no nodeLoaded flag
    if ((d.config?.fields?.length ?? 0) > 0 && !d.nodeLoaded) {
      const model = (d.model as string) || d.config.nodeName;
      useFlow.getState().updateNodeData(id, {
        model, nodeLoaded: true,
        config: { ...d.config, nodeName: modelDisplayName(model.split(":")[0]), showHandlesNames: true },
      }, false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!loaded) {
    return (
      <NodeShell id={id} data={d} selected={Boolean(selected)} inputCount={0} outputCount={1} className="replicate-node">
        <div className="replicate-empty">
          <button type="button" className="btn primary" onClick={() => openPicker({ replicate: { nodeId: id } })} disabled={busy} data-testid={`replicate-pick-${id}`}>
            {busy && <Spinner size={14} />} {t("ClickToSelectModel")}
          </button>
          <span className="muted small">{t("Or")}</span>
          <div className="with-action">
            <input className="input nodrag" value={draft} placeholder={t("EnterModelNameDirectly")} onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => e.key === "Enter" && load(draft)} data-testid={`replicate-model-${id}`} />
            <button type="button" className="btn small" onClick={() => load(draft)} disabled={busy || !draft.includes("/")}>{t("Load")}</button>
          </div>
        </div>
      </NodeShell>
    );
  }
  const model = String(d.model ?? "").split(":")[0];
  return (
    <NodeShell id={id} data={d} selected={Boolean(selected)} inputCount={0} className="replicate-node"
      headerExtra={<button type="button" className="model-chip nodrag" title={t("ChangeModel")} onClick={() => openPicker({ replicate: { nodeId: id } })}>{model}</button>}>
      <NodeForm id={id} data={d} />
    </NodeShell>
  );
}
