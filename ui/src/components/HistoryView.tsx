/** Side-pane tab: the runs of the flow on screen from the run history, newest first, each opened onto the canvas or run again. */
import { useCallback, useEffect, useRef, useState } from "react";
import { followRun, runAgain } from "../api/runs";
import { ApiError } from "../api/rest";
import { HistoryUnavailable, runsApi, type RunSummary } from "../api/runsApi";
import { useLanguage, useT } from "../i18n";
import { selectCurrentTab, useFlow } from "../store/flowStore";
import { toast } from "../store/toasts";
import { Play, Redo, Spinner } from "./icons";
import { merged, type Listing } from "./historyListing";
import { formatDuration } from "../model/format";

/** The node-status look (styles.css `.status.<x>`) of each run status. */
const LOOK: Record<string, string> = {
  queued: "queued", running: "running", succeeded: "done", failed: "failed", cancelled: "cancelled", interrupted: "cancelled",
};

const GOING = new Set(["queued", "running"]);
const REFRESH_MS = 2000;

type Action = "open" | "again";

function RunRow({ run, onAction, busy }: { run: RunSummary; onAction: (run: RunSummary, action: Action) => void; busy: boolean }) {
  const t = useT();
  const language = useLanguage();
  const started = run.startedAt ?? run.createdAt;
  return (
    <li className="history-run" data-testid={`history-run-${run.id}`} data-status={run.status}>
      <div className="history-line">
        <span className={`status ${LOOK[run.status] ?? "skipped"}`} data-testid={`history-status-${run.id}`}>
          {GOING.has(run.status) ? <Spinner size={11} /> : <i className="dot" />}
          {t(`run_${run.status}`)}
        </span>
        <time dateTime={started ?? undefined}>{started ? new Date(started).toLocaleString(language) : ""}</time>
        {run.duration !== null && run.duration !== undefined && <em className="muted">{formatDuration(run.duration)}</em>}
      </div>
      <div className="history-line muted">
        <span>{t("StartedBy", { who: t(`startedBy_${run.startedBy}`) })}</span>
        {run.target && <code className="mono" title={t("RunTarget")}>{run.target}</code>}
      </div>
      {run.error && <div className="history-error">{run.error}</div>}
      <div className="button-row">
        <button type="button" className="btn small" disabled={busy} onClick={() => onAction(run, "open")} data-testid={`history-open-${run.id}`}>
          {busy ? <Spinner size={13} /> : <Play size={13} />} {GOING.has(run.status) ? t("FollowRun") : t("OpenRun")}
        </button>
        <button type="button" className="btn small" disabled={busy} onClick={() => onAction(run, "again")} data-testid={`history-rerun-${run.id}`}>
          <Redo size={13} /> {t("RunAgain")}
        </button>
      </div>
    </li>
  );
}

export function HistoryView() {
  const t = useT();
  const tabId = useFlow((s) => selectCurrentTab(s).id);
  // the list is read again whenever a run of this flow starts or ends here
  const going = useFlow((s) => Object.values(s.runs).filter((r) => r.tabId === tabId).map((r) => r.runId).join(","));
  const [listing, setListing] = useState<Listing>({ state: "loading" });
  const [opening, setOpening] = useState<string | null>(null);
  const asked = useRef(0);

  const load = useCallback(async (cursor?: string | null) => {
    const ticket = ++asked.current;
    if (cursor) setListing((l) => (l.state === "ready" ? { ...l, more: true } : l));
    else setListing((l) => (l.state === "ready" ? l : { state: "loading" }));
    try {
      const page = await runsApi.list(tabId, cursor);
      if (ticket !== asked.current) return;
      setListing((l) => (l.state === "ready" ? merged(l, page, !!cursor) : { state: "ready", ...page }));
    } catch (error) {
      if (ticket !== asked.current) return;
      setListing(error instanceof HistoryUnavailable ? { state: "unavailable" } : { state: "error", message: error instanceof Error ? error.message : String(error) });
    }
  }, [tabId]);

  useEffect(() => {
    void load();
  }, [load, going]);

  // runs going on (here, or from the API or the CLI) are read again until they end
  const watching = listing.state === "ready" && listing.runs.some((r) => GOING.has(r.status));
  useEffect(() => {
    if (!watching) return;
    const timer = setTimeout(() => void load(), REFRESH_MS);
    return () => clearTimeout(timer);
  }, [watching, listing, load]);

  const act = async (run: RunSummary, action: Action) => {
    setOpening(run.id);
    try {
      const detail = await runsApi.get(run.id);
      if (action === "again") runAgain(detail.flow, detail.target);
      else if (GOING.has(detail.status)) followRun(detail.id, detail.nodes.map((n) => n.name), detail.target);
      else {
        const missing = useFlow.getState().showPastRun(detail);
        if (missing.length) toast.info(t("RunNodesNotOnCanvas", { count: missing.length }));
      }
    } catch (error) {
      toast.error(error instanceof ApiError && error.status === 404 ? t("RunNotInHistory") : error instanceof Error ? error.message : String(error));
    } finally {
      setOpening(null);
    }
  };

  return (
    <div className="history-view" data-testid="history">
      <div className="history-head">
        <h3>{t("RunHistory")}</h3>
        <button type="button" className="btn small" onClick={() => void load()} data-testid="history-refresh">{t("Refresh")}</button>
      </div>
      {listing.state === "loading" && <div className="empty-pane"><Spinner size={18} /></div>}
      {listing.state === "unavailable" && <div className="empty-pane" data-testid="history-unavailable"><p>{t("HistoryUnavailable")}</p></div>}
      {listing.state === "error" && <div className="node-error" role="alert" data-testid="history-error">{listing.message}</div>}
      {listing.state === "ready" && !listing.runs.length && (
        <div className="empty-pane" data-testid="history-empty"><p>{t("NoRunsYet")}</p><p className="muted">{t("NoRunsYetHint")}</p></div>
      )}
      {listing.state === "ready" && listing.runs.length > 0 && (
        <ul className="history-list">
          {listing.runs.map((run) => <RunRow key={run.id} run={run} onAction={(r, action) => void act(r, action)} busy={opening === run.id} />)}
        </ul>
      )}
      {listing.state === "ready" && listing.nextCursor && (
        <button type="button" className="btn small history-more" disabled={listing.more} onClick={() => void load(listing.nextCursor)} data-testid="history-more">
          {listing.more ? <Spinner size={13} /> : null} {t("LoadMore")}
        </button>
      )}
    </div>
  );
}
