/** Which dialog is open: long-text editor, mask editor, Replicate model picker, node help, flow library. */
import { create } from "zustand";

interface DialogState {
  textEdit: { nodeId: string; field: string; label: string } | null;
  mask: { nodeId: string; field: string } | null;
  replicate: { nodeId: string } | null;
  help: { nodeId: string } | null;
  /** the flow library (flows saved on the server) */
  library: { open: true } | null;
  open: (patch: Partial<Omit<DialogState, "open" | "close">>) => void;
  close: (which: "textEdit" | "mask" | "replicate" | "help" | "library") => void;
}

export const useDialogs = create<DialogState>((set) => ({
  textEdit: null,
  mask: null,
  replicate: null,
  help: null,
  library: null,
  open: (patch) => set(patch),
  close: (which) => set({ [which]: null } as Partial<DialogState>),
}));
