/** Top bar: logo, flow tabs, history and layout tools, theme, connection state, Run all / Stop. */
import { useReactFlow } from "@xyflow/react";
import { useEffect, useRef, useState } from "react";
import { useConnection } from "../api/connection";
import { runAll, stopRuns } from "../api/runCommands";
import { useT } from "../i18n";
import { useFlow } from "../store/flowStore";
import { usePrefs } from "../store/prefs";
import { toast } from "../store/toasts";
import { Check, ChevronDown, Close, Layout, Moon, Pencil, Play, Plus, Redo, Refresh, Spinner, StopIcon, Sun, Undo } from "./icons";

/** Close a tab; one that holds nodes can be brought back from the toast that follows. */
function closeTab(index: number, label: string, t: (key: string, vars?: Record<string, string | number>) => string) {
  const flow = useFlow.getState();
  const holdsNodes = (flow.tabs[index]?.nodes.length ?? 0) > 0;
  if (!flow.removeTab(index)) {
    toast.info(t("CannotDeleteLastFlow"));
    return;
  }
  if (!holdsNodes) return;
  toast.info(t("FlowClosed", { name: label }), {
    duration: 10_000,
    action: { label: t("Undo"), testId: "tab-close-undo", run: () => useFlow.getState().reopenClosedTab() },
  });
}

/** Run all, and beside it a menu with "Run fresh" (every node runs again: the output cache is bypassed). */
function RunButtons({ runningHere }: { runningHere: boolean }) {
  const t = useT();
  const [menu, setMenu] = useState(false);
  return (
    <div className="run-split">
      <button type="button" id="run-all-button" className={`btn primary run-all ${runningHere ? "running" : ""}`} onClick={() => runAll()} disabled={runningHere}
        data-testid="run-all" title={`${t("RunAll")} (Ctrl+Enter)`}>
        {runningHere ? <Spinner size={15} /> : <Play size={14} />} <span className="hide-sm">{runningHere ? t("Running") : t("RunAll")}</span>
      </button>
      <button type="button" className="btn primary run-menu-toggle" disabled={runningHere} aria-haspopup="menu" aria-expanded={menu}
        title={t("MoreRunOptions")} data-testid="run-menu-toggle" onClick={() => setMenu(!menu)} onBlur={() => setTimeout(() => setMenu(false), 150)}>
        <ChevronDown size={14} />
      </button>
      {menu && (
        <div className="run-menu" role="menu">
          <button type="button" role="menuitem" data-testid="run-fresh" title={t("RunFreshHint")}
            onMouseDown={(e) => e.preventDefault()} onClick={() => { setMenu(false); runAll(true); }}>
            <Refresh size={14} /> {t("RunFresh")} <kbd>Ctrl+Shift+Enter</kbd>
          </button>
        </div>
      )}
    </div>
  );
}

function Tabs() {
  const t = useT();
  const tabs = useFlow((s) => s.tabs);
  const current = useFlow((s) => s.current);
  const runs = useFlow((s) => s.runs);
  const flow = useFlow.getState;
  const [editing, setEditing] = useState<number | null>(null);
  const [draft, setDraft] = useState("");
  const busyTabs = new Set(Object.values(runs).map((r) => r.tabId));
  const list = useRef<HTMLDivElement>(null);
  // the tab on screen is always in sight in the scrolling list
  useEffect(() => {
    list.current?.querySelector<HTMLElement>(".tab.active")?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [current, tabs.length]);
  return (
    <div className="tabs" data-testid="flow-tabs">
      <div className="tab-list" role="tablist" ref={list}>
      {tabs.map((tab, index) => {
        const label = (tab.metadata?.name as string) || (tab.metadata as { name?: string })?.name || `${t("Flow")} ${index + 1}`;
        const active = index === current;
        return (
          <div key={tab.id} role="tab" aria-selected={active} className={`tab ${active ? "active" : ""}`} data-testid={`tab-${index}`}
            onClick={() => !active && flow().selectTab(index)} onDoubleClick={() => { setEditing(index); setDraft(label); }}>
            {busyTabs.has(tab.id) && <Spinner size={11} />}
            {editing === index ? (
              <input className="tab-input" autoFocus value={draft} data-testid={`tab-name-input-${index}`} onChange={(e) => setDraft(e.target.value)}
                onBlur={() => { flow().renameTab(index, draft); setEditing(null); }}
                onKeyDown={(e) => { if (e.key === "Enter") { flow().renameTab(index, draft); setEditing(null); } if (e.key === "Escape") setEditing(null); }} />
            ) : <span className="tab-label">{label}</span>}
            {active && editing !== index && (
              <span className="tab-actions">
                <button type="button" title={t("ChangeName")} data-testid={`tab-rename-${index}`} onClick={(e) => { e.stopPropagation(); setEditing(index); setDraft(label); }}><Pencil size={12} /></button>
                <button type="button" title={t("RemoveFlow")} data-testid={`tab-remove-${index}`} onClick={(e) => {
                  e.stopPropagation();
                  closeTab(index, label, t);
                }}><Close size={12} /></button>
              </span>
            )}
            {editing === index && <button type="button" className="tab-ok" onMouseDown={(e) => { e.preventDefault(); flow().renameTab(index, draft); setEditing(null); }}><Check size={12} /></button>}
          </div>
        );
      })}
      </div>
      <button type="button" className="tab-add" title={t("AddTab")} data-testid="tab-add" onClick={() => flow().addTab(undefined, true)}><Plus size={15} /></button>
    </div>
  );
}

export function ConnectionIndicator() {
  const t = useT();
  const state = useConnection((s) => s.state);
  return (
    <span className={`connection ${state}`} data-testid="connection-state" data-state={state} title={t(state)}>
      <i />
      <span className="connection-label">{t(state)}</span>
    </span>
  );
}

export function Header() {
  const t = useT();
  const runs = useFlow((s) => s.runs);
  const tabId = useFlow((s) => s.tabs[s.current]?.id);
  const canUndo = useFlow((s) => (s.history[s.tabs[s.current]?.id]?.past.length ?? 0) > 0);
  const canRedo = useFlow((s) => (s.history[s.tabs[s.current]?.id]?.future.length ?? 0) > 0);
  const theme = usePrefs((s) => s.theme);
  const setTheme = usePrefs((s) => s.setTheme);
  const flow = useFlow.getState;
  const rf = useReactFlow();
  const active = Object.values(runs);
  const runningHere = active.some((r) => r.tabId === tabId);
  const stopping = active.length > 0 && active.every((r) => r.stopping);
  return (
    <header className="app-header">
      <div className="brand">
        <img src="/logo.svg" alt="" width={28} height={28} />
        <span className="hide-phone">AI-Flow</span>
      </div>
      <Tabs />
      <div className="header-tools">
        <button type="button" className="icon-btn" title={`${t("Undo")} (Ctrl+Z)`} disabled={!canUndo} onClick={() => flow().undo()} data-testid="undo"><Undo size={16} /></button>
        <button type="button" className="icon-btn" title={`${t("Redo")} (Ctrl+Shift+Z)`} disabled={!canRedo} onClick={() => flow().redo()} data-testid="redo"><Redo size={16} /></button>
        <button type="button" className="icon-btn" title={`${t("AutoLayout")} (Shift+L)`} onClick={() => { flow().autoLayout(); setTimeout(() => rf.fitView({ padding: 0.15, maxZoom: 1, minZoom: 0.5, duration: 300 }), 50); }} data-testid="auto-layout"><Layout size={16} /></button>
        <button type="button" className="icon-btn hide-phone" title={theme === "dark" ? t("ThemeLight") : t("ThemeDark")} data-testid="theme-toggle"
          onClick={() => setTheme(theme === "dark" ? "light" : "dark")}>{theme === "dark" ? <Sun size={16} /> : <Moon size={16} />}</button>
        <ConnectionIndicator />
        {active.length > 0 && (
          <button type="button" className="btn danger" onClick={stopRuns} disabled={stopping} data-testid="stop-run" title={`${t("Stop")} (Esc)`}>
            {stopping ? <Spinner size={14} /> : <StopIcon size={14} />} <span className="hide-sm">{stopping ? t("Stopping") : t("Stop")}</span>
          </button>
        )}
        <RunButtons runningHere={runningHere} />
      </div>
    </header>
  );
}
