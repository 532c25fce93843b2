/** Audio output: the waveform (wavesurfer.js) of the page's own <audio> element, play/pause, time and download. */
import { useEffect, useRef, useState } from "react";
import WaveSurfer from "wavesurfer.js";
import { useT } from "../../i18n";
import { formatClock } from "../../model/format";
import { usePrefs } from "../../store/prefs";
import { PauseIcon, Play, Spinner } from "../icons";
import { DownloadButton } from "./DownloadButton";

// The canvas needs plain colours: the themes' --muted and --accent.
const COLOURS = {
  dark: { waveColor: "#8d95a8", progressColor: "#2dd4bf", cursorColor: "#2dd4bf" },
  light: { waveColor: "#667085", progressColor: "#0d9488", cursorColor: "#0d9488" },
};

/** `loading` while the file is fetched and decoded, `ready` with the waveform drawn, `plain` when the file plays but
 * cannot be read for a waveform (e.g. another site that refuses it): the browser's own controls then. */
type WaveState = "loading" | "ready" | "plain";

export default function AudioWave({ url, nodeName, onBroken }: { url: string; nodeName: string; onBroken: () => void }) {
  const t = useT();
  const theme = usePrefs((s) => s.theme);
  const wave = useRef<HTMLDivElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const player = useRef<WaveSurfer | null>(null);
  const [state, setState] = useState<WaveState>("loading");
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);

  useEffect(() => {
    if (!wave.current || !audio.current) return;
    const surfer = WaveSurfer.create({
      container: wave.current, media: audio.current, url, height: 56, barWidth: 2, barGap: 1, barRadius: 2,
      normalize: true, dragToSeek: true, ...COLOURS[usePrefs.getState().theme],
    });
    player.current = surfer;
    const stops = [
      surfer.on("ready", (seconds) => { setDuration(seconds); setState("ready"); }),
      surfer.on("play", () => setPlaying(true)),
      surfer.on("pause", () => setPlaying(false)),
      surfer.on("timeupdate", (seconds) => setTime(Math.floor(seconds))), // the clock shows whole seconds
      surfer.on("error", () => setState((now) => (now === "ready" ? now : "plain"))),
    ];
    return () => {
      stops.forEach((stop) => stop());
      surfer.destroy();
      player.current = null;
    };
  }, [url]);

  useEffect(() => { player.current?.setOptions(COLOURS[theme]); }, [theme]);

  const plain = state === "plain";
  return (
    <div className="media audio-wave" data-testid="audio-player" data-state={state}>
      {/* wavesurfer gives it the fetched file; in plain mode it plays the URL itself */}
      <audio ref={audio} src={plain ? url : undefined} controls={plain} className="nodrag" onError={() => plain && onBroken()} />
      {!plain && (
        <div className="audio-row">
          <button type="button" className="run-btn" disabled={state !== "ready"} data-testid="audio-play"
            title={playing ? t("Pause") : t("Play")} aria-label={playing ? t("Pause") : t("Play")}
            onClick={() => void player.current?.playPause()}>
            {state === "loading" ? <Spinner size={14} /> : playing ? <PauseIcon size={13} /> : <Play size={13} />}
          </button>
          <div ref={wave} className="wave nodrag" data-testid="audio-wave" />
          <span className="muted small mono audio-time" data-testid="audio-time">{formatClock(time)} / {formatClock(duration)}</span>
        </div>
      )}
      <DownloadButton url={url} nodeName={nodeName} fallback="mp3" />
    </div>
  );
}
