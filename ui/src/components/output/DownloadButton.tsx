/** The round download button over a media output (file name `<node>-output.<ext>`). */
import { useT } from "../../i18n";
import { fileExtension } from "../../model/outputType";
import { DownloadIcon } from "../icons";

function downloadName(nodeName: string, url: string, fallback: string): string {
  return `${nodeName.replace(/[^a-z0-9-]+/gi, "-")}-output.${fileExtension(url, fallback)}`;
}

export function DownloadButton({ url, nodeName, fallback = "png" }: { url: string; nodeName: string; fallback?: string }) {
  const t = useT();
  return (
    <a className="icon-btn overlay" href={url} download={downloadName(nodeName, url, fallback)} target="_blank" rel="noreferrer"
      title={t("DownloadFile")} data-testid="media-download">
      <DownloadIcon size={15} />
    </a>
  );
}
