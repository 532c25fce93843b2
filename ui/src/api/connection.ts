/** The state of the Socket.IO connection, for the header's indicator (the connection itself: socket.ts, loaded later). */
import { create } from "zustand";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";

export const useConnection = create<{ state: ConnectionState; attempts: number }>(() => ({ state: "connecting", attempts: 0 }));
