/** Nodes drawn from their config: header, form, dynamic "Validate", output (reference-ui §2.4). */
import type { NodeProps } from "@xyflow/react";
import { useEffect, useRef, useState } from "react";
import { api } from "../../api/rest";
import { useT } from "../../i18n";
import { defaultValues, headerHandleCount } from "../../model/fields";
import type { NodeConfig, NodeConfigVariant, NodeData } from "../../model/types";
import { useFlow } from "../../store/flowStore";
import { toast } from "../../store/toasts";
import { FieldList } from "../fields/FieldList";
import { Spinner } from "../icons";
import { NodeShell, useLinkedHandles } from "./NodeShell";

/** Fill the values a field config defaults to, once per config, without an undo step. */
export function useDefaults(id: string, data: NodeData) {
  const config = data.config;
  useEffect(() => {
    if (!config) return;
    const defaults = defaultValues(config, data);
    if (Object.keys(defaults).length) useFlow.getState().updateNodeData(id, defaults, false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [config, id]);
}

function dataForServer(data: NodeData): Record<string, unknown> {
  const { config: _c, variantConfig: _v, outputData: _o, ...rest } = data;
  return rest;
}

/** POST /node/extensions/dynamic and apply the answer (a config, or variants with discriminators). */
async function loadDynamicConfig(id: string, data: NodeData) {
  const answer = await api.dynamicConfig(data.processorType, dataForServer(data));
  const flow = useFlow.getState();
  if ("subConfigurations" in answer && Array.isArray(answer.subConfigurations) && answer.subConfigurations.length) {
    const first = answer.subConfigurations[0];
    flow.setNodeConfig(id, { ...first.config, isDynamicallyGenerated: false }, { ...first.discriminators, variantConfig: answer });
  } else {
    flow.setNodeConfig(id, { ...(answer as NodeConfig), isDynamicallyGenerated: false });
  }
}

/** Switch to the sub-configuration matching the discriminator values; drop incoming edges when it changes. */
function useVariantSwitch(id: string, data: NodeData) {
  const variant = data.variantConfig as NodeConfigVariant | undefined;
  const key = variant ? variant.discriminatorFields.map((f) => String(data[f])).join("|") : "";
  const last = useRef(key);
  useEffect(() => {
    if (!variant || key === last.current) return;
    last.current = key;
    const match = variant.subConfigurations.find((sub) => Object.entries(sub.discriminators).every(([f, v]) => data[f] === v));
    if (!match) return;
    const flow = useFlow.getState();
    flow.setNodeConfig(id, { ...match.config, isDynamicallyGenerated: false });
    const tab = flow.tabs[flow.current];
    const incoming = tab.edges.filter((e) => e.target === id).map((e) => e.id);
    incoming.forEach((edgeId) => useFlow.getState().removeEdge(edgeId));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}

export function NodeForm({ id, data, collapsed }: { id: string; data: NodeData; collapsed?: boolean }) {
  const t = useT();
  const linked = useLinkedHandles(id);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <FieldList nodeId={id} data={data} linkedHandles={new Set(linked)} hasParent={linked.length > 0} withHandles collapsed={collapsed} />
      {data.config?.isDynamicallyGenerated && (
        <div className="node-actions">
          <button type="button" className="btn primary small" disabled={busy} data-testid={`node-validate-${id}`} onClick={async () => {
            setBusy(true);
            try { await loadDynamicConfig(id, data); } catch (error) { toast.error((error as Error).message); } finally { setBusy(false); }
          }}>{busy && <Spinner size={13} />} {t("Validate")}</button>
        </div>
      )}
    </>
  );
}

export function GenericNode({ id, data, selected }: NodeProps) {
  const nodeData = data as NodeData;
  const [collapsed, setCollapsed] = useState(false);
  useDefaults(id, nodeData);
  useVariantSwitch(id, nodeData);
  return (
    <NodeShell id={id} data={nodeData} selected={Boolean(selected)} inputCount={headerHandleCount(nodeData.config ?? { nodeName: "", fields: [] })}
      onHeaderDoubleClick={() => setCollapsed((c) => !c)} className={collapsed ? "is-collapsed" : ""}>
      <NodeForm id={id} data={nodeData} collapsed={collapsed} />
    </NodeShell>
  );
}
