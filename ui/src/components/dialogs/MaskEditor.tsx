/** Mask editor: draw white strokes over an image (or a blank canvas); saved as a black/white PNG and uploaded. */
import { useCallback, useEffect, useRef, useState } from "react";
import { uploadFile } from "../../api/rest";
import { useT } from "../../i18n";
import { useDialogs } from "../../store/dialogs";
import { useFlow } from "../../store/flowStore";
import { toast } from "../../store/toasts";
import { Spinner } from "../icons";
import { Modal } from "../Modal";

interface Stroke {
  size: number;
  points: { x: number; y: number }[];
}
interface Background {
  url?: string;
  width: number;
  height: number;
}

const MAX_W = 800;
const MAX_H = 600;

/** Draw strokes (in original-image coordinates) onto a context scaled by `scale`. */
export function drawStrokes(ctx: CanvasRenderingContext2D, strokes: Stroke[], scale: number, color: string) {
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  for (const stroke of strokes) {
    ctx.lineWidth = stroke.size * scale;
    if (stroke.points.length === 1) {
      const p = stroke.points[0];
      ctx.beginPath();
      ctx.arc(p.x * scale, p.y * scale, (stroke.size * scale) / 2, 0, Math.PI * 2);
      ctx.fill();
      continue;
    }
    ctx.beginPath();
    stroke.points.forEach((p, i) => (i ? ctx.lineTo(p.x * scale, p.y * scale) : ctx.moveTo(p.x * scale, p.y * scale)));
    ctx.stroke();
  }
}

export function MaskEditor() {
  const t = useT();
  const target = useDialogs((s) => s.mask);
  const close = useDialogs((s) => s.close);
  const [tab, setTab] = useState<"url" | "size">("url");
  const [url, setUrl] = useState("");
  const [size, setSize] = useState({ width: 800, height: 600 });
  const [background, setBackground] = useState<Background | null>(null);
  const [strokes, setStrokes] = useState<Stroke[]>([]);
  const [pen, setPen] = useState(32);
  const [busy, setBusy] = useState(false);
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<Stroke | null>(null);
  const scale = background ? Math.min(1, MAX_W / background.width, MAX_H / background.height) : 1;

  const redraw = useCallback((list: Stroke[]) => {
    const el = canvas.current;
    const ctx = el?.getContext("2d");
    if (!el || !ctx) return;
    ctx.clearRect(0, 0, el.width, el.height);
    drawStrokes(ctx, list, scale, "rgba(255,255,255,0.85)");
  }, [scale]);

  useEffect(() => redraw(strokes), [strokes, redraw, background]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") {
        e.preventDefault();
        e.stopPropagation();
        setStrokes((s) => s.slice(0, -1));
      }
    };
    if (!target) return;
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [target]);

  if (!target) return null;

  const loadImage = () => {
    if (!url.trim()) return;
    const img = new Image();
    img.onload = () => { setBackground({ url: url.trim(), width: img.naturalWidth, height: img.naturalHeight }); setStrokes([]); };
    img.onerror = () => toast.error(t("ExpiredURL"));
    img.src = url.trim();
  };

  const point = (e: React.PointerEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    return { x: (e.clientX - rect.left) / scale, y: (e.clientY - rect.top) / scale };
  };

  const save = async () => {
    if (!background) return;
    setBusy(true);
    try {
      const out = document.createElement("canvas");
      out.width = background.width;
      out.height = background.height;
      const ctx = out.getContext("2d")!;
      ctx.fillStyle = "#000";
      ctx.fillRect(0, 0, out.width, out.height);
      drawStrokes(ctx, strokes, 1, "#fff");
      const blob = await new Promise<Blob>((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG export failed"))), "image/png"));
      const link = await uploadFile(blob, "mask.png");
      useFlow.getState().setFieldValue(target.nodeId, target.field, link);
      toast.success(t("MaskSaved"));
      close("mask");
    } catch (error) {
      toast.error(`${t("error.upload_failed")}: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={t("MaskEditor")} onClose={() => close("mask")} wide testId="mask-editor"
      footer={background && <>
        <button type="button" className="btn ghost" onClick={() => setStrokes((s) => s.slice(0, -1))} disabled={!strokes.length}>{t("UndoStroke")}</button>
        <button type="button" className="btn ghost" onClick={() => setStrokes([])} disabled={!strokes.length}>{t("ClearStrokes")}</button>
        <button type="button" className="btn primary" onClick={save} disabled={busy} data-testid="mask-save">{busy && <Spinner size={13} />} {t("SaveMask")}</button>
      </>}>
      <div className="segmented">
        <button type="button" className={tab === "url" ? "active" : ""} onClick={() => setTab("url")}>{t("EnterImageURL")}</button>
        <button type="button" className={tab === "size" ? "active" : ""} onClick={() => setTab("size")}>{t("CustomDimensions")}</button>
      </div>
      <div className="mask-setup">
        {tab === "url" ? (
          <div className="with-action">
            <input className="input" value={url} placeholder="https://…/image.png" onChange={(e) => setUrl(e.target.value)} onKeyDown={(e) => e.key === "Enter" && loadImage()} />
            <button type="button" className="btn small" onClick={loadImage}>{t("LoadImage")}</button>
          </div>
        ) : (
          <div className="with-action">
            <label>{t("Width")} <input className="input narrow" type="number" min={16} max={4096} value={size.width} onChange={(e) => setSize({ ...size, width: Number(e.target.value) })} /></label>
            <label>{t("Height")} <input className="input narrow" type="number" min={16} max={4096} value={size.height} onChange={(e) => setSize({ ...size, height: Number(e.target.value) })} /></label>
            <button type="button" className="btn small" data-testid="mask-blank" onClick={() => { setBackground({ width: Math.max(16, size.width), height: Math.max(16, size.height) }); setStrokes([]); }}>{t("LoadImage")}</button>
          </div>
        )}
        {background && (
          <label className="pen">{t("PenSize")} <input type="range" min={5} max={256} value={pen} onChange={(e) => setPen(Number(e.target.value))} /> <span className="mono">{pen}px</span></label>
        )}
      </div>
      {background && (
        <div className="mask-stage" style={{ width: background.width * scale, height: background.height * scale }}>
          {background.url ? <img src={background.url} alt="" draggable={false} /> : <div className="mask-blank" />}
          <canvas ref={canvas} width={Math.round(background.width * scale)} height={Math.round(background.height * scale)} data-testid="mask-canvas"
            onPointerDown={(e) => { (e.target as Element).setPointerCapture(e.pointerId); drawing.current = { size: pen, points: [point(e)] }; setStrokes((s) => [...s, drawing.current!]); }}
            onPointerMove={(e) => { if (!drawing.current) return; drawing.current.points.push(point(e)); redraw([...strokes.slice(0, -1), drawing.current]); }}
            onPointerUp={() => { if (drawing.current) setStrokes((s) => [...s.slice(0, -1), { ...drawing.current! }]); drawing.current = null; }} />
        </div>
      )}
    </Modal>
  );
}
