/** A centred dialog over a dimmed page; Escape or a click outside closes it. */
import { useEffect, type ReactNode } from "react";
import { useModalHost } from "../store/modalHost";
import { Close } from "./icons";

export function Modal({ title, onClose, children, wide, testId, footer }: {
  title: ReactNode; onClose: () => void; children: ReactNode; wide?: boolean | "full"; testId?: string; footer?: ReactNode;
}) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === "Escape") { e.stopPropagation(); onClose(); } };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [onClose]);
  return (
    <div className="modal-backdrop" ref={useModalHost.getState().setHost} onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`modal ${wide === "full" ? "full" : wide ? "wide" : ""}`} role="dialog" aria-modal="true" data-testid={testId}>
        <div className="modal-head">
          <h2>{title}</h2>
          <button type="button" className="icon-btn subtle" onClick={onClose} aria-label="close" data-testid="modal-close"><Close size={16} /></button>
        </div>
        <div className="modal-body">{children}</div>
        {footer && <div className="modal-foot">{footer}</div>}
      </div>
    </div>
  );
}
