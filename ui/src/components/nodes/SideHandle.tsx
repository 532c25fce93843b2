/** Header handles the user can move to another side of the node (hover one: four arrows), kept in `data.handles`. */
import { Handle, Position } from "@xyflow/react";
import { memo, useEffect, useRef, useState, type CSSProperties } from "react";
import { useT } from "../../i18n";
import { useFlow } from "../../store/flowStore";
import { useRefreshInternals } from "./refreshInternals";

export type Side = "left" | "right" | "top" | "bottom";
const SIDES: Side[] = ["left", "right", "top", "bottom"];
const POSITION: Record<Side, Position> = { left: Position.Left, right: Position.Right, top: Position.Top, bottom: Position.Bottom };
const ARROW: Record<Side, string> = { left: "←", right: "→", top: "↑", bottom: "↓" };
const HOVER_MS = 600;

export interface HandleSpec {
  id: string;
  type: "source" | "target";
  /** the side when the user did not choose one */
  side: Side;
  className: string;
  title?: string;
}

/** The side chosen for a handle (an unknown value in an imported flow falls back to the default). */
export function sideOf(handles: Record<string, string> | undefined, spec: HandleSpec): Side {
  const chosen = handles?.[spec.id];
  return SIDES.includes(chosen as Side) ? (chosen as Side) : spec.side;
}

/** Where the k-th of n handles on a side sits along it. */
function placement(side: Side, k: number, n: number): CSSProperties {
  const along = n === 1 ? "50%" : `${((k + 1) / (n + 1)) * 100}%`;
  return side === "left" || side === "right" ? { top: along } : { left: along };
}

function pickerPlacement(side: Side, k: number, n: number): CSSProperties {
  const along = placement(side, k, n);
  if (side === "left") return { ...along, left: 14 };
  if (side === "right") return { ...along, right: 14 };
  if (side === "top") return { ...along, top: 14 };
  return { ...along, bottom: 14 };
}

/** The handles of `specs` that sit on `sides`, each with its side picker on hover. */
export const SideHandles = memo(function SideHandles({ nodeId, specs, handles, sides }: { nodeId: string; specs: HandleSpec[]; handles?: Record<string, string>; sides: Side[] }) {
  const placed = specs.map((spec) => ({ spec, side: sideOf(handles, spec) }));
  return (
    <>
      {placed.filter((p) => sides.includes(p.side)).map(({ spec, side }) => {
        const same = placed.filter((p) => p.side === side);
        return <MovableHandle key={spec.id} nodeId={nodeId} spec={spec} side={side} k={same.findIndex((p) => p.spec.id === spec.id)} n={same.length} handles={handles} />;
      })}
    </>
  );
});

function MovableHandle({ nodeId, spec, side, k, n, handles }: { nodeId: string; spec: HandleSpec; side: Side; k: number; n: number; handles?: Record<string, string> }) {
  const t = useT();
  const [picking, setPicking] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const later = (open: boolean, ms: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setPicking(open), ms);
  };
  useEffect(() => () => clearTimeout(timer.current), []);
  const updateInternals = useRefreshInternals();
  useEffect(() => updateInternals(nodeId), [nodeId, side, k, n, updateInternals]);
  const choose = (chosen: Side) => {
    setPicking(false);
    if (chosen !== side) useFlow.getState().updateNodeData(nodeId, { handles: { ...(handles ?? {}), [spec.id]: chosen } });
  };
  const stop = (e: { stopPropagation: () => void }) => e.stopPropagation();
  return (
    <>
      <Handle type={spec.type} position={POSITION[side]} id={spec.id} className={spec.className} title={spec.title}
        style={placement(side, k, n)} onMouseEnter={() => later(true, HOVER_MS)} onMouseLeave={() => later(false, 300)} />
      {picking && (
        <div className="handle-sides nodrag nopan" style={pickerPlacement(side, k, n)} data-testid={`handle-sides-${spec.id}`}
          onMouseEnter={() => clearTimeout(timer.current)} onMouseLeave={() => later(false, 300)} onMouseDown={stop} onTouchStart={stop}>
          {SIDES.map((s) => (
            <button type="button" key={s} className={s === side ? "active" : ""} title={t(`HandleSide_${s}`)} aria-label={t(`HandleSide_${s}`)}
              onClick={(e) => { e.stopPropagation(); choose(s); }} data-testid={`handle-side-${s}`}>{ARROW[s]}</button>
          ))}
        </div>
      )}
    </>
  );
}
