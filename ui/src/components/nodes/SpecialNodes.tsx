/** Nodes with components of their own: File, Data splitter, Transition, Display (reference-ui §2.7). */
import { NodeResizer, type NodeProps } from "@xyflow/react";
import { useRef, useState } from "react";
import { uploadFile } from "../../api/rest";
import { useT } from "../../i18n";
import { shownOutput } from "../../model/outputLook";
import { fileExtension, guessType } from "../../model/outputType";
import type { NodeData } from "../../model/types";
import { useFlow } from "../../store/flowStore";
import { readString, write } from "../../store/storage";
import { toast } from "../../store/toasts";
import { FileIcon, LinkIcon, Spinner, UploadIcon } from "../icons";
import { OutputView } from "../output/OutputView";
import { NodeShell, RunButton, StatusBadge, useRunState } from "./NodeShell";
import { SideHandles, type HandleSpec } from "./SideHandle";

const MAX_UPLOAD_MB = 300;

/** What the File node knows of its file: the name, the media type, the size in bytes (unknown for a typed URL). */
export interface FileInfo {
  name: string;
  type: string;
  size?: number;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function infoOfUrl(url: string): FileInfo {
  const path = url.split(/[?#]/)[0];
  const name = decodeURIComponent(path.slice(path.lastIndexOf("/") + 1)) || url;
  const extension = fileExtension(url, "");
  return { name, type: extension ? extension.toUpperCase() : "" };
}

function FileInfoLine({ id, info }: { id: string; info: FileInfo }) {
  return (
    <div className="file-info" data-testid={`file-info-${id}`}>
      <FileIcon size={14} />
      <span className="file-name" title={info.name} data-testid={`file-name-${id}`}>{info.name}</span>
      {info.type && <span className="chip-small" data-testid={`file-type-${id}`}>{info.type}</span>}
      {info.size !== undefined && <span className="muted" data-testid={`file-size-${id}`}>{formatSize(info.size)}</span>}
    </div>
  );
}

export function FileNode({ id, data, selected }: NodeProps) {
  const t = useT();
  const d = data as NodeData;
  const choice = (d.fileChoiceSelected as string) ?? "upload";
  const [draft, setDraft] = useState(String(d.fileUrl ?? ""));
  const [busy, setBusy] = useState(false);
  const [dragOver, setDragOver] = useState(false);
  const [open, setOpen] = useState(!d.fileUrl);
  const [hint, setHint] = useState(readString("hasHintBeenHidden-file-upload") !== "true");
  const picker = useRef<HTMLInputElement>(null);
  const update = useFlow((s) => s.updateNodeData);
  const setUrl = (url: string, fileInfo: FileInfo = infoOfUrl(url)) => {
    const type = guessType(url);
    update(id, { fileUrl: url, fileInfo, outputData: url, lastRun: new Date().toISOString(), config: { ...d.config, outputType: type === "markdown" ? "fileUrl" : type } });
    setOpen(false);
  };
  const upload = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_UPLOAD_MB * 1024 * 1024) {
      toast.error(`${t("error.upload_failed")}: > ${MAX_UPLOAD_MB} MB`);
      return;
    }
    setBusy(true);
    try {
      setUrl(await uploadFile(file, file.name), { name: file.name, type: file.type || fileExtension(file.name, "").toUpperCase(), size: file.size });
    } catch (error) {
      toast.error(`${t("error.upload_failed")}: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <NodeShell id={id} data={d} selected={Boolean(selected)} inputCount={0} outputCount={1} onHeaderDoubleClick={() => setOpen((o) => !o)}>
      {open && (
        <div className="fields">
          <div className="segmented full">
            <button type="button" className={choice === "url" ? "active" : ""} onClick={() => update(id, { fileChoiceSelected: "url" }, false)}><LinkIcon size={13} /> {t("URL")}</button>
            <button type="button" className={choice !== "url" ? "active" : ""} onClick={() => update(id, { fileChoiceSelected: "upload" }, false)}><FileIcon size={13} /> {t("Upload")}</button>
          </div>
          {choice === "url" ? (
            <div className="with-action">
              <input className="input nodrag" value={draft} placeholder={t("EnterUrlToDesiredFile")} onChange={(e) => setDraft(e.target.value)}
                onKeyDown={(e) => e.key === "Enter" && draft.trim() && setUrl(draft.trim())} data-testid={`file-url-${id}`} />
              <button type="button" className="btn small" onClick={() => draft.trim() && setUrl(draft.trim())}>{t("Load")}</button>
            </div>
          ) : (
            <div className={`dropzone nodrag ${dragOver ? "over" : ""}`} role="button" tabIndex={0}
              onClick={() => picker.current?.click()}
              onDragOver={(e) => { e.preventDefault(); e.stopPropagation(); setDragOver(true); }}
              onDragLeave={() => setDragOver(false)}
              onDrop={(e) => { e.preventDefault(); e.stopPropagation(); setDragOver(false); upload(e.dataTransfer.files?.[0]); }}>
              {busy ? <Spinner size={20} /> : <UploadIcon size={20} />}
              <span>{busy ? t("Uploading") : t("FileDropHint")}</span>
              <input ref={picker} type="file" hidden data-testid={`file-input-${id}`}
                accept=".mp4,.webm,.mov,.mp3,.wav,.ogg,.m4a,.png,.jpg,.jpeg,.gif,.webp,.txt,.pdf,.glb,.gltf,.obj,.csv,.json,.md,.docx"
                onChange={(e) => upload(e.target.files?.[0])} />
            </div>
          )}
          {hint && (
            <div className="hint-banner">
              <span>{t("TextDocumentHint")}</span>
              <button type="button" className="btn tiny ghost" onClick={() => { write("hasHintBeenHidden-file-upload", "true"); setHint(false); }}>{t("HideHint")}</button>
            </div>
          )}
        </div>
      )}
      {typeof d.fileUrl === "string" && d.fileUrl && <FileInfoLine id={id} info={(d.fileInfo as FileInfo | undefined) ?? infoOfUrl(d.fileUrl)} />}
    </NodeShell>
  );
}

const SEPARATORS = [",", ";", "\\t", " ", "\\n", "\\r"];

export function SplitterNode({ id, data, selected }: NodeProps) {
  const t = useT();
  const d = data as NodeData;
  const update = useFlow((s) => s.updateNodeData);
  const mode = (d.mode as string) ?? "manual";
  const count = Math.max(1, Number(d.nbOutput ?? 2));
  return (
    <NodeShell id={id} data={d} selected={Boolean(selected)} inputCount={1} outputCount={count} className="compact splitter" showOutput={false}>
      <div className="fields">
        <label className="field"><span className="field-label"><span className="label-text">{t("mode")}</span></span>
          <div className="segmented full">
            <button type="button" className={mode === "ai" ? "active" : ""} onClick={() => update(id, { mode: "ai" })}>{t("AI")}</button>
            <button type="button" className={mode !== "ai" ? "active" : ""} onClick={() => update(id, { mode: "manual" })}>{t("Separator")}</button>
          </div>
        </label>
        {mode !== "ai" && (
          <>
            <label className="field inline"><span className="label-text">{t("custom_separator")}</span>
              <input type="checkbox" className="nodrag" checked={Boolean(d.custom_separator)} onChange={(e) => update(id, { custom_separator: e.target.checked })} />
            </label>
            <label className="field"><span className="field-label"><span className="label-text">{t("separator")}<span className="req">*</span></span></span>
              {d.custom_separator ? (
                <input className="input nodrag" value={String(d.separator ?? "")} onChange={(e) => update(id, { separator: e.target.value }, `sep:${id}`)} />
              ) : (
                <select className="input select nodrag" value={String(d.separator ?? ";")} onChange={(e) => update(id, { separator: e.target.value })}>
                  {SEPARATORS.map((s) => <option key={s} value={s}>{s === " " ? "Space" : s}</option>)}
                </select>
              )}
            </label>
          </>
        )}
        <label className="field"><span className="field-label"><span className="label-text">{t("nb_output")}</span></span>
          <input className="input nodrag" type="number" min={1} max={50} value={count}
            onChange={(e) => update(id, { nbOutput: Math.max(1, Math.min(50, Number(e.target.value) || 1)) }, `nb:${id}`)} />
        </label>
        {Array.isArray(d.outputData) && (
          <ol className="split-preview" data-testid={`node-output-${id}`}>
            {(d.outputData as unknown[]).map((v, i) => <li key={i} title={String(v)}>{String(v)}</li>)}
          </ol>
        )}
      </div>
    </NodeShell>
  );
}

const TRANSITION_HANDLES: HandleSpec[] = [
  { id: "handle-in-0", type: "target", side: "left", className: "handle handle-in" },
  { id: "handle-out-0", type: "source", side: "right", className: "handle handle-out" },
];

export function TransitionNode({ id, data, selected }: NodeProps) {
  const d = data as NodeData;
  const state = useRunState(id);
  const color = d.appearance?.color;
  return (
    <div className={`flow-node transition-node status-${state?.status ?? "idle"} ${selected ? "selected" : ""}`} data-testid={`node-${id}`}
      style={color ? ({ "--node-accent": color } as React.CSSProperties) : undefined}>
      <SideHandles nodeId={id} specs={TRANSITION_HANDLES} handles={d.handles} sides={["left", "right", "top", "bottom"]} />
      <RunButton id={id} state={state} />
      <StatusBadge id={id} state={state} />
    </div>
  );
}

export function DisplayNode({ id, data, selected }: NodeProps) {
  const d = data as NodeData;
  const state = useRunState(id);
  const { value, look } = shownOutput(state, d.outputData);
  const t = useT();
  return (
    <>
      <NodeResizer isVisible={Boolean(selected)} minWidth={300} minHeight={140} lineClassName="resize-line" handleClassName="resize-handle" />
      <NodeShell id={id} data={d} selected={Boolean(selected)} inputCount={1} outputCount={1} className="display-node" showOutput={false}>
        <div className={`display-body nowheel look-${look}`} data-testid={`node-output-${id}`} data-look={look}>
          {look === "partial" && <div className="output-note">{t("PartialOutput")}</div>}
          {look === "stale" && value !== undefined && value !== null && value !== "" && <div className="output-note">{t("OutputFromEarlierRun")}</div>}
          {value !== undefined && value !== null && value !== "" ? (
            <OutputView value={value} outputType={d.config?.outputType} nodeName={id} streaming={look === "streaming"} />
          ) : <div className="display-empty">{"—"}</div>}
        </div>
      </NodeShell>
    </>
  );
}
