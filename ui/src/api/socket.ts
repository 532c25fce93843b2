/** The single Socket.IO connection (its state for the header: connection.ts), run events into the store; on each
 * connect the runs of this page are joined again (runJoin.ts). Starting and stopping runs: runs.ts. */
import type { Socket } from "socket.io-client";
import { translate } from "../i18n";
import { readableMessage } from "../i18n/messages";
import { resolveLargeOutputs } from "./largeOutputs";
import { flushRunEvents, queueRunEvent } from "./runEventQueue";
import { joinRun, joinRuns } from "./runJoin";
import { useFlow, type RunEventName } from "../store/flowStore";
import { usePrefs } from "../store/prefs";
import { toast } from "../store/toasts";
import { useConnection } from "./connection";

let socket: Socket | null = null;
const t = (key: string, vars?: Record<string, string | number>) => translate(usePrefs.getState().language, key, vars);

function onRunEvent(event: RunEventName, payload: unknown) {
  if (!payload || typeof payload !== "object") return;
  const data = payload as Record<string, unknown>;
  const tabId = typeof data.runId === "string" ? useFlow.getState().runs[data.runId]?.tabId : undefined;
  const outcome = useFlow.getState().handleEvent(event, data);
  if (outcome.resync && socket) joinRun(socket, data.runId as string, "resync");
  if (event === "progress" && data.largeOutputs) {
    resolveLargeOutputs(data, tabId).catch(() => toast.error(t("largeOutputUnavailable")));
  }
  if (outcome.error && event === "error" && !(payload as { instanceName?: string }).instanceName) {
    toast.error(readableMessage(usePrefs.getState().language, outcome.error.message), { title: outcome.error.node ? `${t("Error")} · ${outcome.error.node}` : t("Error") });
  }
}

function sendAppConfig(s: Socket) {
  const config = usePrefs.getState().appConfig;
  const filled = Object.fromEntries(Object.entries(config).filter(([, v]) => typeof v === "string" && v.trim()));
  if (Object.keys(filled).length) s.emit("update_app_config", filled);
}

let opening: Promise<Socket> | null = null;

/** Open the connection once (same origin, path /socket.io); socket.io reconnects by itself. The client library is
 * loaded here, after the first screen (its own chunk). */
export function connectSocket(): Promise<Socket> {
  if (socket) return Promise.resolve(socket);
  opening ??= import("socket.io-client").then(({ io }) => {
    opening = null;
    return socket ?? open(io);
  });
  return opening;
}

function open(io: typeof import("socket.io-client").io): Socket {
  const s = io({ path: "/socket.io", transports: ["websocket", "polling"], reconnectionDelayMax: 5000 });
  socket = s;
  s.on("connect", () => {
    useConnection.setState({ state: "connected", attempts: 0 });
    sendAppConfig(s);
    joinRuns(s);
  });
  s.on("disconnect", (reason) => {
    flushRunEvents();
    useConnection.setState({ state: reason === "io client disconnect" ? "disconnected" : "reconnecting" });
    const running = Object.keys(useFlow.getState().runs).length > 0;
    if (running && reason === "io server disconnect") {
      // the server closed this connection: socket.io does not reconnect, the runs cannot be joined again
      useFlow.getState().abandonRuns(t("runInterrupted"));
      toast.error(t("runInterrupted"));
    } else if (reason !== "io client disconnect") {
      // the server keeps the runs going for a while: the next connect joins them again
      toast.info(t(running ? "runReconnecting" : "socketConnectionLost"), { key: "socket-connection-lost" });
    }
  });
  s.on("connect_error", () => {
    useConnection.setState((c) => ({ state: c.attempts > 2 ? "disconnected" : "reconnecting", attempts: c.attempts + 1 }));
  });
  s.io.on("reconnect_attempt", () => useConnection.setState((c) => ({ state: c.state === "disconnected" ? "disconnected" : "reconnecting" })));
  for (const event of ["current_node_running", "progress", "error", "run_end"] as const) {
    s.on(event, (payload: unknown) => queueRunEvent(() => onRunEvent(event, payload)));
  }
  s.on("app_config_updated", () => toast.success(t("configUpdated")));
  return s;
}

/** Drop and reopen the connection (after the API keys change, as the reference does). */
export function reconnectSocket() {
  socket?.disconnect();
  socket = null;
  void connectSocket();
}

export function emitAppConfig(): boolean {
  if (!socket?.connected) return false;
  sendAppConfig(socket);
  return true;
}

/** The connection, when it is up (for sending runs). */
export function liveSocket(): Socket | undefined {
  return socket?.connected ? socket : undefined;
}
