/** The side pane's toggle, and the pane (SidePane.tsx, its own chunk) loaded the first time it opens. */
import { lazy, Suspense } from "react";
import { useT } from "../i18n";
import { usePrefs } from "../store/prefs";
import { ChevronLeft, ChevronRight } from "./icons";

const SidePane = lazy(async () => ({ default: (await import("./SidePane")).SidePane }));

export function SidePaneSlot() {
  const t = useT();
  const open = usePrefs((s) => s.sidePaneOpen);
  const set = usePrefs((s) => s.set);
  return (
    <>
      <button type="button" className={`side-toggle ${open ? "open" : ""}`} onClick={() => set({ sidePaneOpen: !open })}
        title={open ? t("CloseSidePane") : t("OpenSidePane")} data-testid="side-pane-toggle">
        {open ? <ChevronRight size={16} /> : <ChevronLeft size={16} />}
      </button>
      {open && <Suspense fallback={<aside className="side-pane" />}><SidePane /></Suspense>}
    </>
  );
}
