/** A URL output by its type: image, video, audio (waveform), 3D model, PDF or file link; heavy viewers load on demand. */
import { lazy, Suspense, useState } from "react";
import { useT } from "../../i18n";
import { fileExtension } from "../../model/outputType";
import type { OutputType } from "../../model/types";
import { DownloadIcon, FileIcon, Spinner } from "../icons";
import { DownloadButton } from "./DownloadButton";

// Each viewer is a chunk of its own (wavesurfer.js, three.js, pdf.js), fetched the first time such an output shows.
const AudioWave = lazy(() => import("./AudioWave"));
const ModelView = lazy(() => import("./ModelView"));
const PdfPreview = lazy(() => import("./PdfPreview"));

function Loading({ className }: { className: string }) {
  const t = useT();
  return <div className={`media-loading ${className}`}><Spinner size={18} /> {t("loading")}</div>;
}

export function Media({ type, url, nodeName }: { type: OutputType; url: string; nodeName: string }) {
  const t = useT();
  const [broken, setBroken] = useState(false);
  if (broken) return <p className="expired">{t("ExpiredURL")}</p>;
  const onBroken = () => setBroken(true);
  switch (type) {
    case "imageUrl":
      return <div className="media"><img src={url} alt="" onError={onBroken} /><DownloadButton url={url} nodeName={nodeName} /></div>;
    case "imageBase64": {
      const src = url.startsWith("data:") ? url : `data:image/png;base64,${url}`;
      return <div className="media"><img src={src} alt="" /><a className="icon-btn overlay" href={src} download={`${nodeName.replace(/[^a-z0-9-]+/gi, "-")}-output-generated.png`}><DownloadIcon size={15} /></a></div>;
    }
    case "videoUrl":
      return (
        <div className="media">
          <video className="nodrag" src={url} controls preload="metadata" onError={onBroken} />
          <DownloadButton url={url} nodeName={nodeName} fallback="mp4" />
        </div>
      );
    case "audioUrl":
      return (
        <Suspense fallback={<Loading className="audio" />}>
          <AudioWave url={url} nodeName={nodeName} onBroken={onBroken} />
        </Suspense>
      );
    case "3dUrl":
      return (
        <Suspense fallback={<Loading className="model" />}>
          <ModelView url={url} nodeName={nodeName} />
        </Suspense>
      );
    case "pdfUrl":
      return (
        <Suspense fallback={<Loading className="pdf" />}>
          <PdfPreview url={url} nodeName={nodeName} />
        </Suspense>
      );
    case "fileUrl":
    default:
      return (
        <div className="file-link">
          <FileIcon size={18} />
          <a href={url} target="_blank" rel="noreferrer">{t("FileUploaded")}</a>
          <span className="muted mono">.{fileExtension(url, "file")}</span>
          <a className="icon-btn subtle" href={url} download target="_blank" rel="noreferrer" title={t("DownloadFile")}><DownloadIcon size={14} /></a>
        </div>
      );
  }
}
