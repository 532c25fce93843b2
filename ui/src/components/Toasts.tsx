/** Notifications at the top centre. */
import { createPortal } from "react-dom";
import { useModalHost } from "../store/modalHost";
import { useToasts } from "../store/toasts";
import { Close } from "./icons";

export function Toasts() {
  const toasts = useToasts((s) => s.toasts);
  const dismiss = useToasts((s) => s.dismiss);
  // with a dialog open, the toasts take their place in its backdrop, above the dialog
  const host = useModalHost((s) => s.host);
  const list = (
    <div className={`toasts ${host ? "in-dialog" : ""}`} aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast ${toast.kind}`} role={toast.kind === "error" ? "alert" : "status"} data-testid={`toast-${toast.kind}`}>
          <div className="toast-text">
            {toast.title && toast.title !== toast.message && <b>{toast.title}</b>}
            <span>{toast.lines?.length && toast.title === toast.message ? null : toast.message}</span>
            {toast.lines?.map((line, i) => <span key={i} className="toast-line">{line}</span>)}
          </div>
          {toast.action && (
            <button type="button" className="btn small toast-action" data-testid={toast.action.testId ?? "toast-action"}
              onClick={() => { dismiss(toast.id); toast.action!.run(); }}>{toast.action.label}</button>
          )}
          <button type="button" className="icon-btn subtle" onClick={() => dismiss(toast.id)} aria-label="dismiss"><Close size={13} /></button>
        </div>
      ))}
    </div>
  );
  return host ? createPortal(list, host) : list;
}
