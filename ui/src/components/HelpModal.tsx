/** Help: how to start and the keyboard shortcuts. */
import { useT } from "../i18n";
import { usePrefs } from "../store/prefs";
import { Modal } from "./Modal";

export const SHORTCUTS: [string, string][] = [
  ["Ctrl + Enter", "sc_run"], ["Ctrl + Shift + Enter", "sc_run_fresh"], ["Shift + Enter", "sc_run_selected"], ["Esc", "sc_stop"], ["Delete / Backspace", "sc_delete"],
  ["Ctrl + Z", "sc_undo"], ["Ctrl + Shift + Z / Ctrl + Y", "sc_redo"], ["Ctrl + C", "sc_copy"], ["Ctrl + V", "sc_paste"],
  ["Ctrl + D", "sc_duplicate"], ["Ctrl + A", "sc_selectall"], ["Ctrl + S", "sc_export"], ["Shift + L", "sc_layout"], ["?", "sc_help"],
];

export function HelpModal() {
  const t = useT();
  const set = usePrefs((s) => s.set);
  return (
    <Modal title={t("Help")} onClose={() => set({ modal: null })} testId="help-modal">
      <h3>{t("GettingStarted")}</h3>
      <p>{t("helpIntro")}</p>
      <h3>{t("KeyboardShortcuts")}</h3>
      <table className="shortcuts-table" data-testid="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, label]) => (
            <tr key={label}><td>{keys.split(" / ").map((k) => <kbd key={k}>{k}</kbd>)}</td><td>{t(label)}</td></tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">Ctrl = ⌘ on macOS.</p>
    </Modal>
  );
}
