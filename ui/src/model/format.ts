/** How durations read on screen. */

/** 850 ms, 4.2 s, 12 s, 3 min 5 s. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return "";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
