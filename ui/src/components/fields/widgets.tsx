/** One input widget per field type (reference-ui §5.3); every widget is marked nodrag/nowheel. The rarer types are in
 * moreWidgets.tsx, their own chunk. */
import { lazy, Suspense, useEffect, useLayoutEffect, useRef, useState } from "react";
import { humanize, useLanguage, useT } from "../../i18n";
import type { Field } from "../../model/types";
import { useDialogs } from "../../store/dialogs";
import { Expand } from "../icons";
import { NO_CANVAS, type WidgetProps } from "./widgetProps";

export { NO_CANVAS, type WidgetProps } from "./widgetProps";

const MoreWidget = lazy(async () => ({ default: (await import("./moreWidgets")).MoreWidget }));


function TextInput({ field, value, onChange, nodeId }: WidgetProps) {
  const t = useT();
  const language = useLanguage();
  const open = useDialogs((s) => s.open);
  return (
    <div className="with-action">
      <input className={`input ${NO_CANVAS}`} value={String(value ?? "")} placeholder={t(field.placeholder)}
        onChange={(e) => onChange(e.target.value)} data-testid={`field-${field.name}`} />
      {field.withModalEdit !== false && (
        <button type="button" className="icon-btn subtle" title={t("OpenInPopup")}
          onClick={() => open({ textEdit: { nodeId, field: field.name, label: humanize(language, field.label ?? field.name) } })}>
          <Expand size={14} />
        </button>
      )}
    </div>
  );
}

function TextArea({ field, value, onChange, nodeId }: WidgetProps) {
  const t = useT();
  const language = useLanguage();
  const open = useDialogs((s) => s.open);
  const ref = useRef<HTMLTextAreaElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(Math.max(el.scrollHeight + 2, 96), 480)}px`;
  }, [value]);
  return (
    <div className="with-action">
      <textarea ref={ref} className={`input textarea ${NO_CANVAS}`} value={String(value ?? "")} placeholder={t(field.placeholder)}
        onChange={(e) => onChange(e.target.value)} data-testid={`field-${field.name}`} />
      {field.withModalEdit !== false && (
        <button type="button" className="icon-btn subtle corner" title={t("OpenInPopup")}
          onClick={() => open({ textEdit: { nodeId, field: field.name, label: humanize(language, field.label ?? field.name) } })}>
          <Expand size={14} />
        </button>
      )}
    </div>
  );
}

function NumberInput({ field, value, onChange }: WidgetProps) {
  const t = useT();
  const [text, setText] = useState(value === undefined || value === null ? "" : String(value));
  useEffect(() => setText(value === undefined || value === null ? "" : String(value)), [value]);
  const commit = (raw: string) => {
    if (raw.trim() === "") return onChange(undefined);
    let number = Number(raw);
    if (!Number.isFinite(number)) number = Number(field.defaultValue ?? 0);
    if (field.type === "inputInt" || field.allowDecimal === false) number = Math.round(number);
    if (typeof field.min === "number") number = Math.max(field.min, number);
    if (typeof field.max === "number") number = Math.min(field.max, number);
    onChange(number);
    setText(String(number));
  };
  return (
    <input className={`input ${NO_CANVAS}`} inputMode="decimal" value={text} placeholder={t(field.placeholder)}
      onChange={(e) => setText(e.target.value)} onBlur={(e) => commit(e.target.value)}
      onKeyDown={(e) => e.key === "Enter" && commit((e.target as HTMLInputElement).value)} data-testid={`field-${field.name}`} />
  );
}

function sliderStep(field: Field): number {
  if (field.step) return field.step;
  const range = (field.max ?? 1) - (field.min ?? 0);
  const decimals = field.allowDecimal !== false;
  if (range <= 1 && decimals) return 0.01;
  if (range <= 10 && decimals) return 0.1;
  if (range <= 100) return 1;
  if (range <= 1000) return 10;
  return 100;
}

function Slider({ field, value, onChange }: WidgetProps) {
  const min = field.min ?? 0;
  const max = field.max ?? 1;
  const current = typeof value === "number" ? value : Number(field.defaultValue ?? min);
  return (
    <div className="slider-row">
      <span className="slider-value">{current}</span>
      <input type="range" className={NO_CANVAS} min={min} max={max} step={sliderStep(field)} value={current}
        onChange={(e) => onChange(Number(e.target.value))} data-testid={`field-${field.name}`} />
    </div>
  );
}

function Select({ field, value, onChange }: WidgetProps) {
  const t = useT();
  const options = field.options ?? [];
  const known = options.some((o) => o.value === value);
  return (
    <select className={`input select ${NO_CANVAS}`} value={value === undefined || value === null ? "" : String(value)}
      onChange={(e) => onChange(e.target.value)} data-testid={`field-${field.name}`}>
      {!known && <option value={value === undefined || value === null ? "" : String(value)}>{value ? String(value) : "—"}</option>}
      {options.map((o) => (
        <option key={String(o.value)} value={String(o.value ?? "")}>{t(o.label ?? o.value ?? "")}</option>
      ))}
    </select>
  );
}

function Segmented({ field, value, onChange }: WidgetProps) {
  const t = useT();
  return (
    <div className="segmented" role="radiogroup" data-testid={`field-${field.name}`}>
      {(field.options ?? []).map((o) => (
        <button type="button" key={String(o.value)} role="radio" aria-checked={value === o.value}
          className={value === o.value ? "active" : ""} onClick={() => onChange(o.value)}>
          {t(o.label ?? o.value ?? "")}
        </button>
      ))}
    </div>
  );
}

function Switch({ field, value, onChange }: WidgetProps) {
  const t = useT();
  const on = Boolean(value);
  return (
    <button type="button" role="switch" aria-checked={on} className={`switch ${on ? "on" : ""} ${NO_CANVAS}`}
      onClick={() => onChange(!on)} data-testid={`field-${field.name}`}>
      <span className="knob" />
      <span className="switch-label">{on ? t("On") : t("Off")}</span>
    </button>
  );
}

export function Widget(props: WidgetProps) {
  const t = useT();
  switch (props.field.type) {
    case "textToDisplay":
      return <p className="static-text">{t(String(props.field.defaultValue ?? ""))}</p>;
    case "input":
    case "textfield":
      return <TextInput {...props} />;
    case "textarea":
      return <TextArea {...props} />;
    case "inputInt":
    case "numericfield":
      return <NumberInput {...props} />;
    case "slider":
      return <Slider {...props} />;
    case "select":
      return <Select {...props} />;
    case "option":
      return <Segmented {...props} />;
    case "boolean":
    case "switch":
      return <Switch {...props} />;
    case "list":
    case "dictionnary":
    case "json":
    case "fileUpload":
    case "imageMaskCreator":
    case "inputNameBar":
      return <Suspense fallback={null}><MoreWidget {...props} /></Suspense>;
    default:
      return <p className="static-text muted">{t("FieldNotSupportedInCurrentVersion")} {props.field.type}</p>;
  }
}
