/** The backdrop of the dialog on screen, if any: toasts are shown inside it, above the dialog, never over it. */
import { create } from "zustand";

interface ModalHostState {
  host: HTMLElement | null;
  setHost: (host: HTMLElement | null) => void;
}

export const useModalHost = create<ModalHostState>((set) => ({
  host: null,
  setHost: (host) => set({ host }),
}));
