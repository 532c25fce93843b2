/** PDF output: pdf.js draws a page to a canvas (worker served from the build's assets), with the page count and links. */
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy, type RenderTask } from "pdfjs-dist";
import workerSrc from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import { useEffect, useRef, useState } from "react";
import { useT } from "../../i18n";
import { ChevronLeft, ChevronRight, Spinner } from "../icons";
import { DownloadButton } from "./DownloadButton";

GlobalWorkerOptions.workerSrc = workerSrc;

type PdfState = "loading" | "loaded" | "error";

export default function PdfPreview({ url, nodeName }: { url: string; nodeName: string }) {
  const t = useT();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [doc, setDoc] = useState<PDFDocumentProxy | null>(null);
  const [state, setState] = useState<PdfState>("loading");
  const [page, setPage] = useState(1);
  const [drawn, setDrawn] = useState(0);

  useEffect(() => {
    const task = getDocument({ url, isEvalSupported: false });
    task.promise.then(setDoc, () => setState("error"));
    return () => { void task.destroy(); };
  }, [url]);

  useEffect(() => {
    const target = canvas.current;
    if (!doc || !target) return;
    let closed = false;
    let rendering: RenderTask | null = null;
    doc.getPage(page).then((pdfPage) => {
      if (closed) return;
      const natural = pdfPage.getViewport({ scale: 1 });
      const width = target.parentElement?.clientWidth || natural.width;
      const viewport = pdfPage.getViewport({ scale: (width / natural.width) * Math.min(window.devicePixelRatio || 1, 2) });
      target.width = Math.floor(viewport.width);
      target.height = Math.floor(viewport.height);
      rendering = pdfPage.render({ canvas: target, viewport });
      return rendering.promise.then(() => { if (!closed) { setDrawn(page); setState("loaded"); } });
    }).catch((error: unknown) => {
      if (!closed && (error as Error)?.name !== "RenderingCancelledException") setState("error");
    });
    return () => { closed = true; rendering?.cancel(); };
  }, [doc, page]);

  const pages = doc?.numPages ?? 0;
  return (
    <div className="media pdf-preview" data-testid="pdf-preview" data-state={state} data-page={drawn || undefined}>
      {state === "error" ? <p className="expired" role="alert">{t("PdfLoadFailed")}</p> : (
        <div className="pdf-page">
          <canvas ref={canvas} data-testid="pdf-canvas" />
          {state === "loading" && <div className="media-overlay"><Spinner size={20} /> {t("loading")}</div>}
        </div>
      )}
      <div className="pdf-bar">
        <button type="button" className="icon-btn subtle" disabled={page <= 1} onClick={() => setPage(page - 1)}
          title={t("PreviousPage")} aria-label={t("PreviousPage")} data-testid="pdf-previous"><ChevronLeft size={14} /></button>
        <span className="muted small" data-testid="pdf-pages" data-pages={pages || undefined}>
          {pages ? t("PdfPageOf", { page, pages }) : "…"}
        </span>
        <button type="button" className="icon-btn subtle" disabled={page >= pages} onClick={() => setPage(page + 1)}
          title={t("NextPage")} aria-label={t("NextPage")} data-testid="pdf-next"><ChevronRight size={14} /></button>
        <a className="link-btn small" href={url} target="_blank" rel="noreferrer" data-testid="pdf-open">{t("OpenPdf")}</a>
      </div>
      <DownloadButton url={url} nodeName={nodeName} fallback="pdf" />
    </div>
  );
}
