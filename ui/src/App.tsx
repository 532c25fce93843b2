/** The page: boot sequence (parameters, node catalogue, saved tabs), layout, dialogs. */
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useState } from "react";
import { api } from "./api/rest";
import { Canvas } from "./components/Canvas";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { Header } from "./components/Header";
import { Dialogs } from "./components/lazyParts";
import { Gear, HelpIcon } from "./components/icons";
import { Palette } from "./components/Palette";
import { SidePaneSlot } from "./components/SidePaneSlot";
import { Toasts } from "./components/Toasts";
import { startTourOnFirstVisit } from "./components/tour/tourState";
import { useShortcuts } from "./components/useShortcuts";
import { loadLanguage, useT } from "./i18n";
import { savedRuns, startKeepingRuns } from "./store/activeRuns";
import { useFlow } from "./store/flowStore";
import { restoreTabs, startAutosave } from "./store/persistence";
import { usePrefs } from "./store/prefs";

async function boot(): Promise<boolean> {
  let complete = true;
  const language = loadLanguage(usePrefs.getState().language);
  try {
    usePrefs.getState().mergeServerParameters(await api.parameters());
  } catch {
    complete = false;
  }
  try {
    useFlow.getState().setConfigs(await api.nodeConfigs());
  } catch {
    useFlow.getState().setConfigs([]);
    complete = false;
  }
  await restoreTabs(async () => {
    const response = await fetch("/samples/intro.json");
    if (!response.ok) throw new Error("no sample");
    return response.json();
  });
  // runs going on before a reload: joined again once the socket connects
  useFlow.getState().resumeRuns(savedRuns());
  await language.catch(() => { complete = false; });
  return complete;
}

function Workspace() {
  const t = useT();
  const modal = usePrefs((s) => s.modal);
  const set = usePrefs((s) => s.set);
  const showMinimap = usePrefs((s) => s.showMinimap);
  useShortcuts();
  useEffect(startTourOnFirstVisit, []);
  return (
    <>
      <Header />
      <div className="workspace">
        <Palette />
        <main className="canvas-area">
          <ErrorBoundary><Canvas /></ErrorBoundary>
          {/* inside the canvas area: never over the side pane or the palette; above the minimap */}
          <div className={`floating-buttons ${showMinimap ? "above-minimap" : ""}`}>
            <button type="button" className="round-btn help-button" title={t("Help")} onClick={() => set(modal === "help" ? { modal: null } : { modal: "help", helpView: null })} data-testid="open-help"><HelpIcon size={18} /></button>
            <button type="button" className="round-btn config-button" title={t("Settings")} onClick={() => set({ modal: "settings" })} data-testid="open-settings"><Gear size={18} /></button>
          </div>
        </main>
        <SidePaneSlot />
      </div>
      <Dialogs />
    </>
  );
}

export function App() {
  const t = useT();
  const [ready, setReady] = useState(false);
  const [incomplete, setIncomplete] = useState(false);
  const theme = usePrefs((s) => s.theme);
  const language = usePrefs((s) => s.language);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);
  useEffect(() => { document.documentElement.lang = language; }, [language]);

  useEffect(() => {
    let stopAutosave: (() => void) | undefined;
    let stopKeepingRuns: (() => void) | undefined;
    boot().then((complete) => {
      setIncomplete(!complete);
      stopAutosave = startAutosave();
      stopKeepingRuns = startKeepingRuns();
      setReady(true);
      document.getElementById("loading-screen")?.remove();
    });
    return () => {
      stopAutosave?.();
      stopKeepingRuns?.();
    };
  }, []);

  if (!ready) return null;
  return (
    <ReactFlowProvider>
      <div id="main-content" className="main-content">
        <Workspace />
        <Toasts />
        {incomplete && <div className="load-banner" role="alert" data-testid="incomplete-loading">{t("incompleteLoadingPleaseRestart")}</div>}
      </div>
    </ReactFlowProvider>
  );
}
