/** The frame every node shares: header (icon, title, status, run), toolbar (NodeMenu.tsx), handles, error, output area. */
import { lazy, Suspense, useEffect, useState, type ReactNode } from "react";
import { useShallow } from "zustand/react/shallow";
import { runNode } from "../../api/runCommands";
import { useLanguage, useT } from "../../i18n";
import { readableMessage } from "../../i18n/messages";
import { inHandle, outHandle } from "../../model/fields";
import { formatDuration } from "../../model/format";
import { shownOutput } from "../../model/outputLook";
import type { NodeData, NodeRunState } from "../../model/types";
import { selectCurrentTab, useFlow } from "../../store/flowStore";
import { Check, NodeIcon, Play, Spinner } from "../icons";
import { OutputView } from "../output/LazyOutputView";
import { useRefreshInternals } from "./refreshInternals";
import { SideHandles, type HandleSpec } from "./SideHandle";

/** The toolbar of a selected node (NodeMenu.tsx), loaded the first time a node is selected. */
const NodeMenu = lazy(async () => ({ default: (await import("./NodeMenu")).NodeMenu }));

export function useRunState(id: string): NodeRunState | undefined {
  return useFlow((s) => selectCurrentTab(s).runState?.[id]);
}

/** Target handles of this node that have an edge. */
export function useLinkedHandles(id: string): string[] {
  return useFlow(useShallow((s) => selectCurrentTab(s).edges.filter((e) => e.target === id).map((e) => e.targetHandle ?? inHandle(0))));
}

export function StatusBadge({ id, state }: { id: string; state?: NodeRunState }) {
  const t = useT();
  const language = useLanguage();
  const status = state?.status ?? "idle";
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (status !== "running" && status !== "waiting") return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [status]);
  if (status === "idle") return <span className="status idle" data-testid={`node-status-${id}`} data-status="idle" />;
  const active = status === "running" || status === "waiting";
  const elapsed = active && state?.startedAt ? (now - state.startedAt) / 1000 : state?.duration;
  return (
    <span className={`status ${status}`} data-testid={`node-status-${id}`} data-status={status} title={state?.error ? readableMessage(language, state.error) : t(`status_${status}`)}>
      {active ? <Spinner size={11} /> : <i className="dot" />}
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
      {busy ? <Spinner size={15} /> : done ? <><Check size={15} className="when-idle" /><Play size={13} className="when-hover" /></> : <Play size={13} />}
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
  const specs: HandleSpec[] = [
    ...Array.from({ length: inputCount }, (_, k): HandleSpec => ({ id: inHandle(k), type: "target", side: "left", className: "handle handle-in" })),
    ...Array.from({ length: outputs }, (_, k): HandleSpec => ({
      id: outHandle(k), type: "source", side: "right",
      className: `handle handle-out ${Array.isArray(output) && output[k] !== undefined ? "filled" : ""}`,
      title: Array.isArray(output) && output[k] !== undefined ? String(output[k]).slice(0, 200) : undefined,
    })),
  ];
  const missing = (data.missingFields?.length ?? 0) > 0;
  const color = data.appearance?.color;

  return (
    <div className={`flow-node ${className} status-${state?.status ?? "idle"} ${selected ? "selected" : ""} ${missing ? "has-missing" : ""}`}
      data-testid={`node-${id}`} style={color ? ({ "--node-accent": color } as React.CSSProperties) : undefined}>
      {selected && <Suspense fallback={null}><NodeMenu id={id} data={data} /></Suspense>}
      <div className="node-header" onDoubleClick={onHeaderDoubleClick}>
        <SideHandles nodeId={id} specs={specs.filter((s) => s.type === "target")} handles={data.handles} sides={["left", "right"]} />
        <NodeIcon name={config?.icon} label={title} />
        {!hideTitle && <div className="node-title" title={id}>{title}</div>}
        {headerExtra}
        <StatusBadge id={id} state={state} />
        <CachedBadge id={id} state={state} />
        <RunButton id={id} state={state} />
        <SideHandles nodeId={id} specs={specs.filter((s) => s.type === "source")} handles={data.handles} sides={["left", "right"]} />
      </div>
      <SideHandles nodeId={id} specs={specs} handles={data.handles} sides={["top", "bottom"]} />
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
              fontSize={data.appearance?.fontSize} onFontSize={(fontSize) => useFlow.getState().updateNodeData(id, { appearance: { ...data.appearance, fontSize } }, `font:${id}`)} />
          </div>
        ) : (
          <button type="button" className="show-output" data-testid={`node-output-toggle-${id}`} onClick={() => setOutputOpen(true)}>{t("ClickToShowOutput")}</button>
        )
      )}
    </div>
  );
}
