/** Joining runs again (join_run) after a reconnect or a reload, or to rebuild one whose stream has a hole. */
import type { Socket } from "socket.io-client";
import { translate } from "../i18n";
import { useFlow } from "../store/flowStore";
import { flushRunEvents } from "./runEventQueue";
import type { JoinAck, JoinMode } from "../store/flow/types";
import { usePrefs } from "../store/prefs";
import { toast } from "../store/toasts";

/** How long the server may take to answer a join (it replays the missed events first). */
const JOIN_TIMEOUT_MS = 20_000;

const t = (key: string) => translate(usePrefs.getState().language, key);

/** Ask for the run's events after the last one applied (from its start for a resync). */
export function joinRun(socket: Socket, runId: string, mode: JoinMode): void {
  flushRunEvents();
  const flow = useFlow.getState();
  if (!flow.runs[runId]) return;
  flow.joinStarted(runId, mode);
  const afterSeq = useFlow.getState().runs[runId]?.lastSeq ?? 0;
  socket.timeout(JOIN_TIMEOUT_MS).emit("join_run", { runId, afterSeq }, (timedOut: Error | null, ack?: JoinAck) => {
    flushRunEvents(); // the events sent before this answer count first
    const store = useFlow.getState();
    if (!store.runs[runId]) return; // it ended meanwhile (its run_end, or the server's refusal)
    if (timedOut && !socket.connected) return; // joined again on the next connect
    if (timedOut || !ack?.ok) {
      store.abandonRuns(t("runLost"), [runId]);
      toast.error(ack?.error || t("runLost"));
      return;
    }
    store.joinAnswered(runId, ack);
  });
}

/** Join every run of this page (after a connect). */
export function joinRuns(socket: Socket): void {
  for (const runId of Object.keys(useFlow.getState().runs)) joinRun(socket, runId, "resume");
}
