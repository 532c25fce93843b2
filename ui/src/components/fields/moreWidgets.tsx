/** The widgets of the rarer field types (list, dictionary, JSON, file upload, mask, input names), in their own chunk. */
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { uploadFile } from "../../api/rest";
import { useT } from "../../i18n";
import { useDialogs } from "../../store/dialogs";
import { toast } from "../../store/toasts";
import { Close, Minus, Plus, Spinner, UploadIcon } from "../icons";
import { OutputThumbnail } from "../output/OutputView";
import { NO_CANVAS, type WidgetProps } from "./widgetProps";

function ListInput({ field, value, onChange }: WidgetProps) {
  const t = useT();
  const items = Array.isArray(value) ? (value as unknown[]).map(String) : [];
  const [draft, setDraft] = useState("");
  const add = () => {
    if (!draft.trim()) return;
    onChange([...items, draft.trim()]);
    setDraft("");
  };
  return (
    <div className="pills" data-testid={`field-${field.name}`}>
      {items.map((item, i) => (
        <span className="pill" key={`${item}-${i}`}>
          {item}
          <button type="button" aria-label="remove" onClick={() => onChange(items.filter((_, j) => j !== i))}><Close size={11} /></button>
        </span>
      ))}
      <input className={`pill-input ${NO_CANVAS}`} value={draft} placeholder={t(field.placeholder ?? "DefaultListPlaceholder")}
        onChange={(e) => setDraft(e.target.value)} onBlur={add}
        onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => { if (e.key === "Enter") { e.preventDefault(); add(); } }} />
    </div>
  );
}

function Dictionary({ field, value, onChange }: WidgetProps) {
  const t = useT();
  const rows = Array.isArray(value) ? (value as { key?: string; value?: string }[]) : [];
  const update = (i: number, patch: { key?: string; value?: string }) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="dict" data-testid={`field-${field.name}`}>
      {rows.map((row, i) => (
        <div className="dict-row" key={i}>
          <input className={`input ${NO_CANVAS}`} placeholder={t("Key")} value={row.key ?? ""} onChange={(e) => update(i, { key: e.target.value })} />
          <input className={`input ${NO_CANVAS}`} placeholder={t("Value")} value={row.value ?? ""} onChange={(e) => update(i, { value: e.target.value })} />
          <button type="button" className="icon-btn subtle" onClick={() => onChange(rows.filter((_, j) => j !== i))}><Close size={13} /></button>
        </div>
      ))}
      <button type="button" className="btn small ghost" onClick={() => onChange([...rows, { key: "", value: "" }])}><Plus size={13} /> {t("Add")}</button>
    </div>
  );
}

function JsonInput({ field, value, onChange }: WidgetProps) {
  const [text, setText] = useState(value === undefined ? "" : JSON.stringify(value, null, 2));
  const [bad, setBad] = useState(false);
  return (
    <textarea className={`input textarea mono ${bad ? "invalid" : ""} ${NO_CANVAS}`} value={text} data-testid={`field-${field.name}`}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => {
        if (!text.trim()) { setBad(false); return onChange(undefined); }
        try { onChange(JSON.parse(text)); setBad(false); } catch { setBad(true); }
      }} />
  );
}

function FileUpload({ field, value, onChange }: WidgetProps) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState(String(value ?? ""));
  useEffect(() => setDraft(String(value ?? "")), [value]);
  const input = useRef<HTMLInputElement>(null);
  const choose = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    try {
      onChange(await uploadFile(file, file.name));
    } catch (error) {
      toast.error(`${t("error.upload_failed")}: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="file-field" data-testid={`field-${field.name}`}>
      <div className="with-action">
        <input className={`input ${NO_CANVAS}`} value={draft} placeholder={t(field.placeholder ?? "EnterUrlToDesiredFile")}
          onChange={(e) => setDraft(e.target.value)} onBlur={() => draft !== String(value ?? "") && onChange(draft.trim() || undefined)} />
        <button type="button" className="icon-btn subtle" title={t("UploadFile")} onClick={() => input.current?.click()} disabled={busy}>
          {busy ? <Spinner size={14} /> : <UploadIcon size={14} />}
        </button>
        <input ref={input} type="file" hidden onChange={(e) => choose(e.target.files?.[0])} />
      </div>
      {typeof value === "string" && value && <OutputThumbnail value={value} />}
    </div>
  );
}

function MaskButton({ field, value, nodeId }: WidgetProps) {
  const t = useT();
  const open = useDialogs((s) => s.open);
  return (
    <div className="file-field">
      <button type="button" className="btn small outline" onClick={() => open({ mask: { nodeId, field: field.name } })}>
        {t("CreateMaskFromImage")}
      </button>
      {typeof value === "string" && value && <OutputThumbnail value={value} />}
    </div>
  );
}

function InputNameBar({ field, onInputNames, onAppend, inputNames = [] }: WidgetProps) {
  const t = useT();
  const associated = field.associatedField ?? "prompt";
  return (
    <div className="name-bar" data-testid={`field-${field.name}`}>
      {inputNames.map((name) => (
        <button type="button" key={name} className="chip" title={`\${${name}}`} onClick={() => onAppend?.(associated, `\${${name}} `)}>
          {name}
        </button>
      ))}
      <span className="spacer" />
      <button type="button" className="icon-btn subtle" title={t("RemoveInput")} disabled={inputNames.length <= 2}
        onClick={() => onInputNames?.(inputNames.slice(0, -1))}><Minus size={13} /></button>
      <button type="button" className="icon-btn subtle" title={t("AddInput")}
        onClick={() => onInputNames?.([...inputNames, `input-${inputNames.length + 1}`])}><Plus size={13} /></button>
    </div>
  );
}

/** The widget of a field type not drawn by widgets.tsx, or null. */
export function MoreWidget(props: WidgetProps) {
  switch (props.field.type) {
    case "list":
      return <ListInput {...props} />;
    case "dictionnary":
      return <Dictionary {...props} />;
    case "json":
      return <JsonInput {...props} />;
    case "fileUpload":
      return <FileUpload {...props} />;
    case "imageMaskCreator":
      return <MaskButton {...props} />;
    case "inputNameBar":
      return <InputNameBar {...props} />;
    default:
      return null;
  }
}
