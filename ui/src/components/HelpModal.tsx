/** Help: cards of topics; a help page of docs/ shown inside the popup, the keyboard shortcuts, the guided tour. */
import "../i18n/helpTexts";
import "./help/help.css";
import type { ReactNode } from "react";
import { useT } from "../i18n";
import { pageUrl, type HelpView } from "../model/helpLinks";
import { usePrefs } from "../store/prefs";
import { HelpDocView } from "./help/HelpDocView";
import { ChevronLeft } from "./icons";
import { Modal } from "./Modal";
import { startTour } from "./tour/tourState";

const SHORTCUTS: [string, string][] = [
  ["Ctrl + Enter", "sc_run"], ["Ctrl + Shift + Enter", "sc_run_fresh"], ["Shift + Enter", "sc_run_selected"], ["Esc", "sc_stop"], ["Delete / Backspace", "sc_delete"],
  ["Ctrl + Z", "sc_undo"], ["Ctrl + Shift + Z / Ctrl + Y", "sc_redo"], ["Ctrl + C", "sc_copy"], ["Ctrl + V", "sc_paste"],
  ["Ctrl + D", "sc_duplicate"], ["Ctrl + A", "sc_selectall"], ["Ctrl + S", "sc_export"], ["Shift + L", "sc_layout"], ["?", "sc_help"],
];

/** The API's interactive page (Swagger UI, served by this server). */
const API_DOCS_URL = "/api/v1/docs";

interface Card {
  id: string;
  title: string;
  text: string;
  /** what the card shows in the popup; absent for the cards that leave it */
  view?: HelpView;
}

const CARDS: Card[] = [
  { id: "guide", title: "GettingStarted", text: "HelpGuideText", view: { page: "guide" } },
  { id: "nodes", title: "NodeReference", text: "HelpNodesText", view: { page: "nodes" } },
  { id: "shortcuts", title: "KeyboardShortcuts", text: "HelpShortcutsText", view: { page: "shortcuts" } },
  { id: "api", title: "RunApi", text: "HelpApiText" },
  { id: "publishing", title: "PublishingFlows", text: "HelpPublishText", view: { page: "guide", anchor: "save-and-publish" } },
  { id: "history", title: "HistoryAndResume", text: "HelpHistoryText", view: { page: "guide", anchor: "history-and-resume" } },
  { id: "tour", title: "TakeTheTour", text: "HelpTourText" },
];

function Shortcuts() {
  const t = useT();
  return (
    <>
      <table className="shortcuts-table" data-testid="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, label]) => (
            <tr key={label}><td>{keys.split(" / ").map((k) => <kbd key={k}>{k}</kbd>)}</td><td>{t(label)}</td></tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{t("CtrlIsCmd")}</p>
    </>
  );
}

function Cards({ show }: { show: (view: HelpView) => void }) {
  const t = useT();
  const set = usePrefs((s) => s.set);
  const content = (card: Card): ReactNode => <><span className="help-card-title">{t(card.title)}</span><span className="help-card-text">{t(card.text)}</span></>;
  return (
    <div className="help-cards">
      {CARDS.map((card) => {
        const testId = `help-card-${card.id}`;
        if (card.id === "api") {
          return <a key={card.id} className="help-card" href={API_DOCS_URL} target="_blank" rel="noopener" data-testid={testId}>{content(card)}</a>;
        }
        const view = card.view;
        const open = view ? () => show(view) : () => { set({ modal: null, helpView: null }); startTour().catch(() => undefined); };
        return <button key={card.id} type="button" className="help-card" onClick={open} data-testid={testId}>{content(card)}</button>;
      })}
    </div>
  );
}

export function HelpModal() {
  const t = useT();
  const view = usePrefs((s) => s.helpView);
  const set = usePrefs((s) => s.set);
  const show = (next: HelpView | null) => set({ helpView: next });
  const title = view?.page === "shortcuts" ? t("KeyboardShortcuts") : view ? t(view.page === "guide" ? "GettingStarted" : "NodeReference") : t("Help");
  return (
    <Modal title={title} onClose={() => set({ modal: null, helpView: null })} testId="help-modal" wide>
      {view && (
        <div className="help-nav">
          <button type="button" className="btn tiny ghost" onClick={() => show(null)} data-testid="help-back"><ChevronLeft size={14} /> {t("HelpTopics")}</button>
          {view.page !== "shortcuts" && (
            <a className="btn tiny ghost" href={pageUrl(view)} target="_blank" rel="noopener" data-testid="help-doc-new-tab">{t("OpenPageInNewTab")} ↗</a>
          )}
        </div>
      )}
      {!view && <Cards show={show} />}
      {view?.page === "shortcuts" && <Shortcuts />}
      {view && view.page !== "shortcuts" && <HelpDocView doc={view} show={show} />}
    </Modal>
  );
}
