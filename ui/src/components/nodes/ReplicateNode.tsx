/** Replicate node: pick a model (catalogue or owner/name), turn its input schema into fields, then a generic form. */
import type { NodeProps } from "@xyflow/react";
import { useEffect, useRef, useState } from "react";
import { api, ApiError } from "../../api/rest";
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
    // without a key the node says so itself (no toast); other failures are reported here
    if (!isKeyMissing(error)) {
      const language = usePrefs.getState().language;
      toast.error(`${translate(language, "ReplicateModelError", { model })} ${(error as Error).message}`);
    }
    throw error;
  }
}

/** The server answered that no Replicate key is known (neither the user's nor its own). */
export function isKeyMissing(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** "Add your Replicate API key in Settings → API keys", with a button that opens that tab. */
export function ReplicateKeyMissing({ testId, onOpen }: { testId: string; onOpen?: () => void }) {
  const t = useT();
  const setPrefs = usePrefs((s) => s.set);
  return (
    <div className="key-missing" role="status" data-testid={testId}>
      <span>{t("ReplicateKeyMissing")}</span>
      <button type="button" className="btn small outline nodrag" onClick={() => { onOpen?.(); setPrefs({ modal: "settings", settingsTab: "user" }); }}>
        {t("OpenApiKeys")}
      </button>
    </div>
  );
}

export function ReplicateNode(props: NodeProps) {
  const { id, data, selected } = props;
  const t = useT();
  const d = data as NodeData;
  const preset = d.config?.nodeName ?? "";
  const [busy, setBusy] = useState(false);
  const [keyMissing, setKeyMissing] = useState(false);
  const [draft, setDraft] = useState(preset.includes("/") ? preset : "");
  const openPicker = useDialogs((s) => s.open);
  const loaded = Boolean(d.nodeLoaded) || (d.config?.fields?.length ?? 0) > 0;
  const started = useRef(false);
  useDefaults(id, d);

  const load = async (modelId: string) => {
    if (!modelId.includes("/")) return;
    setBusy(true);
    try {
      await configureReplicateNode(id, modelId);
      setKeyMissing(false);
    } catch (error) {
      setKeyMissing(isKeyMissing(error));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    // a model picked in the palette loads once, when the node is added; a saved node waits for the user
    if (d.autoLoad) {
      useFlow.getState().updateNodeData(id, { autoLoad: undefined }, false);
      if (!loaded && preset.includes("/")) void load(preset);
    }
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
          {keyMissing && <ReplicateKeyMissing testId={`replicate-key-missing-${id}`} />}
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
