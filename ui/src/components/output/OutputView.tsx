/** Output viewers: text/markdown, or a URL shown by its media type (Media.tsx); arrays with a picker. */
import { useState } from "react";
import { useT } from "../../i18n";
import { guessType, resolveType } from "../../model/outputType";
import type { OutputType } from "../../model/types";
import { CopyIcon, Minus, Plus } from "../icons";
import { copyText } from "./clipboard";
import { Markdown } from "./LazyMarkdown";
import { Media } from "./Media";

interface Props {
  value: unknown;
  outputType?: OutputType | null;
  nodeName: string;
  fontSize?: number;
  onFontSize?: (size: number) => void;
  streaming?: boolean;
}

function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return "```json\n" + JSON.stringify(value, null, 2) + "\n```";
}

/** Text longer than this is shown in part (as plain text) so the page stays responsive; copy and download take all. */
const SHOWN_TEXT_CHARS = 200_000;

function megabytes(chars: number): string {
  return (chars / 1_048_576).toFixed(1);
}

function LargeText({ source, nodeName }: { source: string; nodeName: string }) {
  const t = useT();
  const download = () => {
    const url = URL.createObjectURL(new Blob([source], { type: "text/plain;charset=utf-8" }));
    const link = Object.assign(document.createElement("a"), { href: url, download: `${nodeName.replace(/[^a-z0-9-]+/gi, "-")}-output.txt` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <>
      <div className="plain">{source.slice(0, SHOWN_TEXT_CHARS)}</div>
      <p className="muted small" data-testid={`output-truncated-${nodeName}`} data-length={source.length}>
        {t("LargeOutputShown", { shown: megabytes(SHOWN_TEXT_CHARS), total: megabytes(source.length) })}{" "}
        <button type="button" className="link-btn" onClick={download}>{t("DownloadFile")}</button>
      </p>
    </>
  );
}

function Single({ value, outputType, nodeName, fontSize = 1, onFontSize, streaming }: Props) {
  const t = useT();
  const type = resolveType(outputType, value);
  if (type !== "markdown" && type !== "text" && typeof value === "string" && value) {
    return <Media key={value} type={type} url={value} nodeName={nodeName} />;
  }
  const source = asText(value);
  return (
    <div className="text-output" style={{ fontSize: `${fontSize}em` }}>
      <div className="text-tools">
        {onFontSize && <>
          <button type="button" className="icon-btn subtle" onClick={() => onFontSize(Math.max(0.6, +(fontSize - 0.1).toFixed(1)))} aria-label="smaller"><Minus size={12} /></button>
          <button type="button" className="icon-btn subtle" onClick={() => onFontSize(Math.min(2.5, +(fontSize + 0.1).toFixed(1)))} aria-label="larger"><Plus size={12} /></button>
        </>}
        <button type="button" className="icon-btn subtle" title={t("Copy")} onClick={() => copyText(typeof value === "string" ? value : JSON.stringify(value, null, 2))}><CopyIcon size={12} /></button>
      </div>
      {source.length > SHOWN_TEXT_CHARS ? <LargeText source={source} nodeName={nodeName} />
        : type === "text" ? <div className="plain">{source}</div> : <Markdown source={source} />}
      {streaming && <span className="caret" />}
    </div>
  );
}

export function OutputView(props: Props) {
  const t = useT();
  const [index, setIndex] = useState(0);
  const { value } = props;
  if (Array.isArray(value) && value.length > 1) {
    const current = Math.min(index, value.length - 1);
    return (
      <div className="output-array">
        <div className="dots">
          {value.map((_, i) => (
            <button type="button" key={i} className={i === current ? "dot active" : "dot"} title={`${t("ViewOutput")} ${i + 1}`} onClick={() => setIndex(i)} />
          ))}
          <span className="muted small">{current + 1}/{value.length}</span>
        </div>
        <Single {...props} value={value[current]} />
      </div>
    );
  }
  return <Single {...props} value={Array.isArray(value) ? value[0] : value} />;
}

/** Small preview under upload fields. */
export function OutputThumbnail({ value }: { value: string }) {
  const type = guessType(value);
  if (type === "imageUrl") return <img className="thumb" src={value} alt="" />;
  return <a className="thumb-link" href={value} target="_blank" rel="noreferrer">{value.length > 60 ? `${value.slice(0, 57)}…` : value}</a>;
}
