/** Left node palette: sections, search, drag onto the canvas (or double-click / Enter to add). */
import { useReactFlow } from "@xyflow/react";
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { translate, useLanguage, useT } from "../i18n";
import type { NodeConfig } from "../model/types";
import { freeSpot } from "../model/layout";
import { selectCurrentTab, useFlow } from "../store/flowStore";
import { isNarrowScreen, usePrefs } from "../store/prefs";
import { ChevronDown, ChevronLeft, ChevronRight, Grip, NodeIcon, Search } from "./icons";

/** The help card of a hovered item (its own chunk, loaded on the first hover). */
const PaletteCard = lazy(async () => ({ default: (await import("./PaletteCard")).PaletteCard }));

export const DRAG_MIME = "application/aiflow-node";
const SECTIONS = ["input", "models", "tools"] as const;
const HIGH_PRIORITY = ["llm", "gpt", "openai", "replicate"];
const LOW_PRIORITY = ["aws-textract", "dalle"];
const SHOWN_SHORTCUTS = 8;

export interface PaletteItemPayload {
  type: string;
  data?: Record<string, unknown>;
  config?: Partial<NodeConfig>;
}

/** Replicate shortcuts of the reference palette: [label, model id]. */
export const REPLICATE_SHORTCUTS: [string, string][] = [
  ["Imagen 4", "google/imagen-4"], ["FLUX Kontext Pro", "black-forest-labs/flux-kontext-pro"],
  ["FLUX 1.1 Pro", "black-forest-labs/flux-1.1-pro"], ["Recraft V3", "recraft-ai/recraft-v3"],
  ["FLUX Kontext Max", "black-forest-labs/flux-kontext-max"], ["Imagen 3", "google/imagen-3"],
  ["Remove BG", "lucataco/remove-bg"], ["Recraft V3 SVG", "recraft-ai/recraft-v3-svg"],
  ["Google Upscaler", "google/upscaler"], ["Upscale Image", "nightmareai/real-esrgan"], ["Face Swap", "lucataco/faceswap"],
  ["FLUX 1.1 Pro Ultra", "black-forest-labs/flux-1.1-pro-ultra"], ["Imagen 3 Fast", "google/imagen-3-fast"],
  ["FLUX Dev", "black-forest-labs/flux-dev"], ["FLUX Schnell", "black-forest-labs/flux-schnell"], ["Google Veo 3", "google/veo-3"],
  ["Video-01", "minimax/video-01"], ["Video-01-Live", "minimax/video-01-live"], ["Kling v1.6 Pro", "kwaivgi/kling-v1.6-pro"],
  ["Kling v1.6", "kwaivgi/kling-v1.6-standard"], ["Play-Dialog", "playht/play-dialog"], ["Music-01", "minimax/music-01"],
  ["Speech-02 HD", "minimax/speech-02-hd"], ["Speech-02 Turbo", "minimax/speech-02-turbo"], ["Face Expression Edit", "fofr/expression-editor"],
];

/** Models: high-priority prefixes first (by rank), low-priority last, others by label. */
export function sortModels(configs: NodeConfig[]): NodeConfig[] {
  const rank = (c: NodeConfig) => {
    const type = c.processorType ?? "";
    if (LOW_PRIORITY.some((p) => type.startsWith(p))) return 1000;
    const high = HIGH_PRIORITY.findIndex((p) => type.startsWith(p));
    return high >= 0 ? high : 100;
  };
  return [...configs].sort((a, b) => rank(a) - rank(b) || a.nodeName.localeCompare(b.nodeName));
}

function useAddAtCentre() {
  const flow = useReactFlow();
  return (payload: PaletteItemPayload) => {
    const pane = document.querySelector(".reactflow-wrapper")?.getBoundingClientRect();
    const centre = pane ? { x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 } : { x: window.innerWidth / 2, y: window.innerHeight / 2 };
    const position = flow.screenToFlowPosition(centre);
    const nodes = selectCurrentTab(useFlow.getState()).nodes;
    const spot = freeSpot(nodes, { x: position.x - 190, y: position.y - 100 });
    useFlow.getState().addNode(payload.type, spot, { data: payload.data, config: payload.config });
    if (isNarrowScreen()) usePrefs.getState().set({ paletteOpen: false });  // the drawer covers the canvas
  };
}

/** A touch screen cannot drag HTML5 drag-and-drop items: a tap adds the node instead. */
function isTouchTap(event: { nativeEvent: Event }): boolean {
  const pointer = event.nativeEvent as PointerEvent;
  return pointer.pointerType === "touch" || pointer.pointerType === "pen";
}

function Item({ config, onAdd }: { config: NodeConfig; onAdd: (p: PaletteItemPayload) => void }) {
  const t = useT();
  const type = config.processorType!;
  const payload: PaletteItemPayload = { type };
  // the help card shows after a short hover (or on keyboard focus) beside the palette
  const [card, setCard] = useState<DOMRect | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const show = (el: HTMLElement, ms: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const item = el.getBoundingClientRect();
      const right = el.closest("#dnd-sidebar")?.getBoundingClientRect().right ?? item.right;
      setCard(new DOMRect(item.x, item.y, Math.max(item.width, right - item.x), item.height));
    }, ms);
  };
  const hide = () => { clearTimeout(timer.current); setCard(null); };
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <div className="palette-item sidebar-dnd-node" id={type} draggable tabIndex={0} role="button" data-testid={`palette-item-${type}`}
      aria-describedby={card ? `palette-card-${type}` : undefined}
      onMouseEnter={(e) => show(e.currentTarget, 300)} onMouseLeave={hide} onFocus={(e) => show(e.currentTarget, 0)} onBlur={hide}
      onDragStart={(e) => { hide(); e.dataTransfer.setData(DRAG_MIME, JSON.stringify(payload)); e.dataTransfer.effectAllowed = "move"; }}
      onClick={(e) => isTouchTap(e) && onAdd(payload)}
      onDoubleClick={() => onAdd(payload)} onKeyDown={(e) => e.key === "Enter" && onAdd(payload)}>
      <NodeIcon name={config.icon} label={t(config.nodeName)} size={24} />
      <span className="palette-label">{t(config.nodeName)}</span>
      {config.isBeta && <span className="ribbon beta">{t("Beta")}</span>}
      {config.isNew && <span className="ribbon new">{t("New")}</span>}
      <Grip size={14} className="grip" />
      {card && <Suspense fallback={null}><PaletteCard config={config} anchor={card} /></Suspense>}
    </div>
  );
}

export function Palette() {
  const t = useT();
  const language = useLanguage();
  const configs = useFlow((s) => s.configs);
  const hidden = usePrefs((s) => s.hiddenNodes);
  const open = usePrefs((s) => s.paletteOpen);
  const setPrefs = usePrefs((s) => s.set);
  const [query, setQuery] = useState("");
  const [closed, setClosed] = useState<Record<string, boolean>>({});
  const [shortcutsOpen, setShortcutsOpen] = useState(true);
  const add = useAddAtCentre();
  const q = query.trim().toLowerCase();

  const sections = useMemo(() => {
    const visible = Object.values(configs).filter((c) => c.processorType && !hidden.includes(c.processorType));
    const matches = (c: NodeConfig) =>
      !q || [c.nodeName, c.processorType ?? "", translate(language, c.nodeName), ...(c.keywords ?? [])].some((s) => s.toLowerCase().includes(q));
    const shortcutMatches = REPLICATE_SHORTCUTS.filter(([label, id]) => !q || label.toLowerCase().includes(q) || id.includes(q));
    return SECTIONS.map((section) => {
      let list = visible.filter((c) => c.section === section && (matches(c) || (c.processorType === "replicate" && q && shortcutMatches.length > 0)));
      if (section === "models") list = sortModels(list);
      return { section, list, shortcutMatches };
    }).filter((s) => s.list.length > 0);
  }, [configs, hidden, q, language]);

  if (!open) {
    return (
      <button type="button" className="palette-reopen" onClick={() => setPrefs({ paletteOpen: true })} title={t("ShowPalette")} data-testid="palette-toggle">
        <ChevronRight size={16} />
      </button>
    );
  }

  return (
    <aside id="dnd-sidebar" className="palette" data-testid="palette">
      <div className="palette-search">
        <Search size={15} />
        <input value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t("Search nodes")} data-testid="palette-search" />
        <button type="button" className="icon-btn subtle" onClick={() => setPrefs({ paletteOpen: false })} title={t("HidePalette")} data-testid="palette-toggle"><ChevronLeft size={15} /></button>
      </div>
      <div className="palette-scroll">
        {sections.length === 0 && <p className="muted small pad">{t("NoNodeMatches")}</p>}
        {sections.map(({ section, list, shortcutMatches }) => (
          <section key={section} className="palette-section" data-testid={`palette-section-${section}`}>
            <button type="button" className="section-head" onClick={() => setClosed((c) => ({ ...c, [section]: !c[section] }))}>
              <span>{t(section)}</span>
              <ChevronDown size={14} className={closed[section] ? "rot" : ""} />
            </button>
            {!closed[section] && list.map((config) => (
              <div key={config.processorType}>
                <Item config={config} onAdd={add} />
                {config.processorType === "replicate" && shortcutMatches.length > 0 && (
                  <div className="shortcuts">
                    <button type="button" className="shortcut-head" onClick={() => setShortcutsOpen((o) => !o)}>
                      <ChevronDown size={12} className={shortcutsOpen ? "" : "rot"} /> {t("PopularModels")}
                    </button>
                    {shortcutsOpen && (q ? shortcutMatches : shortcutMatches.slice(0, SHOWN_SHORTCUTS)).map(([label, id], index) => {
                      const payload: PaletteItemPayload = { type: "replicate", config: { nodeName: id }, data: { autoLoad: true } };
                      return (
                        <div key={id} className="shortcut" id={`subnode-replicate-${index}`} draggable tabIndex={0} role="button" title={id}
                          data-testid={`palette-shortcut-${id}`}
                          onDragStart={(e) => { e.dataTransfer.setData(DRAG_MIME, JSON.stringify(payload)); e.dataTransfer.effectAllowed = "move"; }}
                          onClick={(e) => isTouchTap(e) && add(payload)}
                          onDoubleClick={() => add(payload)} onKeyDown={(e) => e.key === "Enter" && add(payload)}>
                          <span className="tree" />{label}
                        </div>
                      );
                    })}
                  </div>
                )}
              </div>
            ))}
          </section>
        ))}
      </div>
      <p className="palette-foot muted small">{t("DragHint")}</p>
    </aside>
  );
}
