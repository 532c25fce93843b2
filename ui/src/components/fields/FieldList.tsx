/** The form of a node: visible fields with labels, named input handles, linked state, child fields. */
import { Handle, Position } from "@xyflow/react";
import { useEffect } from "react";
import { humanize, useLanguage, useT } from "../../i18n";
import { addChildField, fieldHandleId, isLastOfGroup, removeChildField, visibleFields } from "../../model/fields";
import type { Field, NodeData } from "../../model/types";
import { useFlow } from "../../store/flowStore";
import { FileIcon, Info, Minus, Plus } from "../icons";
import { useRefreshInternals } from "../nodes/refreshInternals";
import { Widget } from "./widgets";

interface Props {
  nodeId: string;
  data: NodeData;
  /** target handles that have an edge */
  linkedHandles: Set<string>;
  hasParent: boolean;
  /** draw handles (on the canvas) or not (side pane) */
  withHandles: boolean;
  alwaysLabels?: boolean;
  collapsed?: boolean;
}

export function FieldList({ nodeId, data, linkedHandles, hasParent, withHandles, alwaysLabels, collapsed }: Props) {
  const t = useT();
  const language = useLanguage();
  const setFieldValue = useFlow((s) => s.setFieldValue);
  const setNodeConfig = useFlow((s) => s.setNodeConfig);
  const updateNodeData = useFlow((s) => s.updateNodeData);
  const updateInternals = useRefreshInternals();
  const config = data.config;
  const named = Boolean(config.showHandlesNames);
  let fields = visibleFields(data, hasParent);
  const handleOf = (f: Field) => (named && f.hasHandle ? fieldHandleId(data, f.name) : undefined);
  if (collapsed) fields = fields.filter((f) => { const h = handleOf(f); return h && linkedHandles.has(h); });
  const showLabels = alwaysLabels || named || fields.length > 1;
  const handleKey = fields.map((f) => handleOf(f) ?? "").join(",");

  useEffect(() => {
    if (withHandles) updateInternals(nodeId);
  }, [handleKey, withHandles, nodeId, updateInternals]);

  if (!fields.length) return null;

  const inputNames = config.inputNames ?? [];
  const setInputNames = (names: string[]) => setNodeConfig(nodeId, { ...config, inputNames: names });
  const append = (field: string, text: string) => setFieldValue(nodeId, field, `${String(data[field] ?? "")}${text}`);

  return (
    <div className={`fields ${collapsed ? "collapsed" : ""}`}>
      {fields.map((field) => {
        const handle = handleOf(field);
        const linked = handle ? linkedHandles.has(handle) : false;
        const label = humanize(language, field.label ?? field.name);
        const missing = data.missingFields?.includes(field.name);
        return (
          <div className={`field ${linked ? "linked" : ""} ${missing ? "missing" : ""}`} key={field.name} data-field={field.name}>
            {(showLabels || handle) && (
              <div className="field-label">
                {withHandles && handle && (
                  <Handle type="target" position={Position.Left} id={handle}
                    className={`handle handle-in ${field.required ? "required" : ""}`} />
                )}
                <span className="label-text">{label}{field.required && <span className="req">*</span>}</span>
                {field.type === "fileUpload" && <FileIcon size={12} className="muted" />}
                {field.description && (
                  <span className="hint" title={t(field.description)}><Info size={12} /></span>
                )}
              </div>
            )}
            {!linked && !collapsed && (
              <Widget field={field} value={data[field.name]} nodeId={nodeId} data={data}
                onChange={(value) => setFieldValue(nodeId, field.name, value)}
                inputNames={inputNames} onInputNames={setInputNames} onAppend={append} />
            )}
            {!collapsed && field.canAddChildrenFields && (
              <div className="child-actions">
                {field.isChild && (
                  <button type="button" className="btn small ghost" onClick={() => {
                    const { config: next, renames } = removeChildField(config, field.name);
                    const patch: Record<string, unknown> = { [field.name]: undefined };
                    for (const [from, to] of Object.entries(renames)) { patch[to] = data[from]; patch[from] = undefined; }
                    updateNodeData(nodeId, { ...patch, config: next });
                  }}><Minus size={12} /> {t("RemoveField", { label })}</button>
                )}
                {isLastOfGroup(config, field.name) && (
                  <button type="button" className="btn small ghost" onClick={() => setNodeConfig(nodeId, addChildField(config, field.name))}>
                    <Plus size={12} /> {t("AddField", { label })}
                  </button>
                )}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
