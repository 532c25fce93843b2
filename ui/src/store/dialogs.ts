/** Which dialog is open: long-text editor, mask editor, Replicate model picker, node help. */
import { create } from "zustand";

interface DialogState {
  textEdit: { nodeId: string; field: string; label: string } | null;
  mask: { nodeId: string; field: string } | null;
  replicate: { nodeId: string } | null;
  help: { nodeId: string } | null;
  open: (patch: Partial<Omit<DialogState, "open" | "close">>) => void;
  close: (which: "textEdit" | "mask" | "replicate" | "help") => void;
}

export const useDialogs = create<DialogState>((set) => ({
  textEdit: null,
  mask: null,
  replicate: null,
  help: null,
  open: (patch) => set(patch),
  close: (which) => set({ [which]: null } as Partial<DialogState>),
}));
