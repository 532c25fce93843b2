/** Transient notifications shown at the top of the page. */
import { create } from "zustand";

export type ToastKind = "info" | "success" | "error";

export interface Toast {
  id: number;
  kind: ToastKind;
  title?: string;
  message: string;
  lines?: string[];
  /** a button in the toast (e.g. Undo); the toast closes when it is pressed */
  action?: ToastAction;
}

export interface ToastAction {
  label: string;
  run: () => void;
  testId?: string;
}

interface ToastState {
  toasts: Toast[];
  push: (kind: ToastKind, message: string, options?: { title?: string; lines?: string[]; duration?: number; key?: string; action?: ToastAction }) => void;
  dismiss: (id: number) => void;
}

let counter = 0;

export const useToasts = create<ToastState>((set, get) => ({
  toasts: [],
  push: (kind, message, options = {}) => {
    const key = options.key;
    if (key && get().toasts.some((t) => t.message === message)) return;
    const id = ++counter;
    set((s) => ({ toasts: [...s.toasts.slice(-4), { id, kind, message, title: options.title, lines: options.lines, action: options.action }] }));
    const duration = options.duration ?? (kind === "error" ? 7000 : 3500);
    if (typeof window !== "undefined") window.setTimeout(() => get().dismiss(id), duration);
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

export const toast = {
  info: (message: string, options?: Parameters<ToastState["push"]>[2]) => useToasts.getState().push("info", message, options),
  success: (message: string, options?: Parameters<ToastState["push"]>[2]) => useToasts.getState().push("success", message, options),
  error: (message: string, options?: Parameters<ToastState["push"]>[2]) => useToasts.getState().push("error", message, options),
};
