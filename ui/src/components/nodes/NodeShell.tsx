/** The frame every node shares: header (icon, title, status, run), toolbar (NodeMenu.tsx), handles, error, output area. */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { runNode } from "../../api/runCommands";
import { useLanguage, useT } from "../../i18n";
import { readableMessage } from "../../i18n/messages";
import { inHandle, outHandle } from "../../model/fields";
import { formatDuration } from "../../model/format";
import { shownOutput } from "../../model/outputLook";
import type { FlowEdge, NodeData, NodeRunState } from "../../model/types";
import { selectCurrentTab, useFlow } from "../../store/flowStore";
import { Check, NodeIcon, Play } from "../icons";
import { OutputView } from "../output/LazyOutputView";
import { useNow } from "./clock";
import { useRefreshInternals } from "./refreshInternals";
import { SideHandles, type HandleSpec, type Side } from "./SideHandle";

/** The toolbar of a selected node (NodeMenu.tsx), loaded the first time a node is selected. */
const NodeMenu = lazy(async () => ({ default: (await import("./NodeMenu")).NodeMenu }));

export function useRunState(id: string): NodeRunState | undefined {
  return useFlow((s) => selectCurrentTab(s).runState?.[id]);
}

/** Target handles of this node that have an edge. */
export function useLinkedHandles(id: string): string[] {
  return useFlow((s) => linkedHandles(selectCurrentTab(s).edges, id));
}

const NONE: string[] = [];
/** edges -> target node -> its linked handles, built once per edges array (every node asks on every store update) */
const linkedByEdges = new WeakMap<readonly FlowEdge[], Map<string, string[]>>();

function linkedHandles(edges: readonly FlowEdge[], id: string): string[] {
  let byTarget = linkedByEdges.get(edges);
  if (!byTarget) {
    byTarget = new Map();
    for (const e of edges) {
      const handles = byTarget.get(e.target) ?? [];
      handles.push(e.targetHandle ?? inHandle(0));
      byTarget.set(e.target, handles);
    }
    linkedByEdges.set(edges, byTarget);
  }
  return byTarget.get(id) ?? NONE;
}

export function StatusBadge({ id, state }: { id: string; state?: NodeRunState }) {
  const t = useT();
  const language = useLanguage();
  const status = state?.status ?? "idle";
  const active = status === "running" || status === "waiting";
  const now = useNow(active);
  if (status === "idle") return <span className="status idle" data-testid={`node-status-${id}`} data-status="idle" />;
  const elapsed = active && state?.startedAt ? (now - state.startedAt) / 1000 : state?.duration;
  return (
    <span className={`status ${status}`} data-testid={`node-status-${id}`} data-status={status} title={state?.error ? readableMessage(language, state.error) : t(`status_${status}`)}>
      <i className={status === "running" ? "dot live" : "dot"} />
      {t(`status_${status}`)}
      {elapsed !== undefined && (active || status === "done" || status === "failed") && <em>{formatDuration(elapsed)}</em>}
    </span>
  );
}

/** "cached" beside the status of a node served from the output cache; the tooltip says when it was computed. */
export function CachedBadge({ id, state }: { id: string; state?: NodeRunState }) {
  const t = useT();
  const language = useLanguage();
  if (state?.status !== "done" || !state.cached) return null;
  const when = state.cachedAt ? new Date(state.cachedAt) : undefined;
  const title = when && !Number.isNaN(when.getTime()) ? t("CachedAt", { time: when.toLocaleString(language) }) : t("CachedHint");
  return <span className="cached-badge" data-testid={`node-cached-${id}`} title={title}>{t("Cached")}</span>;
}

export function RunButton({ id, state }: { id: string; state?: NodeRunState }) {
  const t = useT();
  const busy = state?.status === "running" || state?.status === "queued" || state?.status === "waiting";
  const done = state?.status === "done";
  return (
    <button type="button" className={`run-btn node-play-button ${busy ? "busy" : ""} ${done ? "done" : ""}`} disabled={busy}
      title={t("RunNode")} data-testid={`node-run-${id}`} onClick={(e) => { e.stopPropagation(); runNode(id); }}>
      {busy ? <Play size={13} /> : done ? <><Check size={15} className="when-idle" /><Play size={13} className="when-hover" /></> : <Play size={13} />}
    </button>
  );
}

interface ShellProps {
  id: string;
  data: NodeData;
  selected: boolean;
  children?: ReactNode;
  /** unnamed input handles in the header */
  inputCount: number;
  /** output handles; undefined = one per output element */
  outputCount?: number;
  className?: string;
  showOutput?: boolean;
  headerExtra?: ReactNode;
  onHeaderDoubleClick?: () => void;
  hideTitle?: boolean;
}

const ACROSS: Side[] = ["left", "right"];
const ALONG: Side[] = ["top", "bottom"];

/** The header's handles: `inputCount` inputs, `outputs` outputs (filled when the output has that element). */
function handleSpecs(inputCount: number, outputs: number, output: unknown) {
  const all: HandleSpec[] = [
    ...Array.from({ length: inputCount }, (_, k): HandleSpec => ({ id: inHandle(k), type: "target", side: "left", className: "handle handle-in" })),
    ...Array.from({ length: outputs }, (_, k): HandleSpec => ({
      id: outHandle(k), type: "source", side: "right",
      className: `handle handle-out ${Array.isArray(output) && output[k] !== undefined ? "filled" : ""}`,
      title: Array.isArray(output) && output[k] !== undefined ? String(output[k]).slice(0, 200) : undefined,
    })),
  ];
  return { all, targets: all.filter((s) => s.type === "target"), sources: all.filter((s) => s.type === "source") };
}

/** The output's font size, chosen on the output itself (one undo step per node). */
function setFontSize(id: string, fontSize: number) {
  const node = selectCurrentTab(useFlow.getState()).nodes.find((n) => n.id === id);
  useFlow.getState().updateNodeData(id, { appearance: { ...node?.data.appearance, fontSize } }, `font:${id}`);
}

export function NodeShell({ id, data, selected, children, inputCount, outputCount, className = "", showOutput = true, headerExtra, onHeaderDoubleClick, hideTitle }: ShellProps) {
  const t = useT();
  const language = useLanguage();
  const state = useRunState(id);
  const updateInternals = useRefreshInternals();
  const config = data.config;
  const title = data.appearance?.customName || t(config?.nodeName ?? data.processorType);
  const output = data.outputData;
  const outputs = outputCount ?? (Array.isArray(output) ? Math.max(output.length, 1) : 1);
  const { value: shown, look } = shownOutput(state, output);
  const streaming = look === "streaming";
  const hasOutput = shown !== undefined && shown !== null && shown !== "";
  const [outputOpen, setOutputOpen] = useState(!config?.defaultHideOutput);
  const [lastOutput, setLastOutput] = useState(output);
  if (output !== lastOutput) {
    setLastOutput(output);
    if (config?.defaultHideOutput) setOutputOpen(false);
  }
  useEffect(() => updateInternals(id), [id, inputCount, outputs, updateInternals]);
  const specs = useMemo(() => handleSpecs(inputCount, outputs, output), [inputCount, outputs, output]);
  const onFontSize = useCallback((fontSize: number) => setFontSize(id, fontSize), [id]);
  const missing = (data.missingFields?.length ?? 0) > 0;
  const color = data.appearance?.color;

  return (
    <div className={`flow-node ${className} status-${state?.status ?? "idle"} ${selected ? "selected" : ""} ${missing ? "has-missing" : ""}`}
      data-testid={`node-${id}`} style={color ? ({ "--node-accent": color } as React.CSSProperties) : undefined}>
      {selected && <Suspense fallback={null}><NodeMenu id={id} data={data} /></Suspense>}
      <div className="node-header" onDoubleClick={onHeaderDoubleClick}>
        <SideHandles nodeId={id} specs={specs.targets} handles={data.handles} sides={ACROSS} />
        <NodeIcon name={config?.icon} label={title} />
        {!hideTitle && <div className="node-title" title={id}>{title}</div>}
        {headerExtra}
        <StatusBadge id={id} state={state} />
        <CachedBadge id={id} state={state} />
        <RunButton id={id} state={state} />
        <SideHandles nodeId={id} specs={specs.sources} handles={data.handles} sides={ACROSS} />
      </div>
      <SideHandles nodeId={id} specs={specs.all} handles={data.handles} sides={ALONG} />
      <div className="node-band" />
      {state?.status === "failed" && state.error && (
        <div className="node-error" data-testid={`node-error-${id}`} role="alert">{readableMessage(language, state.error)}</div>
      )}
      {state?.status === "cancelled" && state.error && <div className="node-note">{state.error}</div>}
      {children}
      {showOutput && hasOutput && (
        outputOpen || streaming ? (
          <div className={`node-output nowheel look-${look}`} data-testid={`node-output-${id}`} data-look={look}
            title={look === "stale" ? t("OutputFromEarlierRun") : look === "partial" ? t("PartialOutput") : undefined} onDoubleClick={() => config?.defaultHideOutput && setOutputOpen(false)}>
            {look === "partial" && <div className="output-note" data-testid={`node-partial-${id}`}>{t("PartialOutput")}</div>}
            {look === "stale" && <div className="output-note">{t("OutputFromEarlierRun")}</div>}
            <OutputView value={shown} outputType={config?.outputType} nodeName={id} streaming={streaming}
              fontSize={data.appearance?.fontSize} onFontSize={onFontSize} />
          </div>
        ) : (
          <button type="button" className="show-output" data-testid={`node-output-toggle-${id}`} onClick={() => setOutputOpen(true)}>{t("ClickToShowOutput")}</button>
        )
      )}
    </div>
  );
}
