/** User preferences and panel visibility; API keys and app parameters live only in this browser. */
import { create } from "zustand";
import type { Language } from "../i18n/languages";
import type { HelpView } from "../model/helpLinks";
import { loadLanguage } from "../i18n/tables";
import { readJson, readString, remove, write } from "./storage";

export interface ParameterDetail {
  value?: unknown;
  type?: string;
  tag?: string;
  description?: string;
}
export type ParameterSections = Record<string, Record<string, ParameterDetail>>;

export const DEFAULT_PARAMETERS: ParameterSections = {
  core: { openai_api_key: {}, stabilityai_api_key: {}, replicate_api_key: {} },
};
export const DEFAULT_HIDDEN_NODES = ["stable-diffusion-stabilityai-prompt", "ai-action", "dalle-prompt"];
export const APP_CONFIG_KEYS = [
  "S3_BUCKET_NAME", "S3_AWS_ACCESS_KEY_ID", "S3_AWS_SECRET_ACCESS_KEY", "S3_AWS_REGION_NAME", "S3_ENDPOINT_URL", "REPLICATE_API_KEY",
] as const;

export type Theme = "dark" | "light";
export type SidePaneTab = "json" | "current" | "history";
export type Modal = null | "settings" | "help";

interface PrefsState {
  theme: Theme;
  language: Language;
  showMinimap: boolean;
  hiddenNodes: string[];
  parameters: ParameterSections;
  appConfig: Record<string, string>;
  paletteOpen: boolean;
  sidePaneOpen: boolean;
  sidePaneTab: SidePaneTab;
  modal: Modal;
  /** what the help popup shows besides its cards (null: the cards) */
  helpView: HelpView | null;
  settingsTab: "user" | "app" | "display";

  setTheme: (theme: Theme) => void;
  setLanguage: (language: Language) => void;
  setShowMinimap: (show: boolean) => void;
  setHiddenNodes: (types: string[]) => void;
  setParameters: (parameters: ParameterSections) => void;
  mergeServerParameters: (server: ParameterSections) => void;
  setAppConfig: (config: Record<string, string>) => void;
  set: (patch: Partial<Pick<PrefsState, "paletteOpen" | "sidePaneOpen" | "sidePaneTab" | "modal" | "helpView" | "settingsTab">>) => void;
}

/** Phones and small tablets: the palette and the side pane are drawers over the canvas (styles.css, same width). */
export const NARROW_SCREEN_QUERY = "(max-width: 900px)";

export function isNarrowScreen(): boolean {
  return typeof window !== "undefined" && typeof window.matchMedia === "function" && window.matchMedia(NARROW_SCREEN_QUERY).matches;
}

function initialLanguage(): Language {
  const stored = readString("i18nextLng");
  const guess = stored ?? (typeof navigator !== "undefined" ? navigator.language : "en");
  return guess?.toLowerCase().startsWith("fr") ? "fr" : "en";
}

function initialTheme(): Theme {
  const stored = readJson<boolean | null>("darkMode", null);
  if (stored !== null) return stored ? "dark" : "light";
  const prefersLight = typeof window !== "undefined" && window.matchMedia?.("(prefers-color-scheme: light)").matches;
  return prefersLight ? "light" : "dark";
}

/** Stored parameters, migrating the legacy flat `apiKeys` object. */
function initialParameters(): ParameterSections {
  const stored = readJson<ParameterSections | null>("parameters", null);
  if (stored) return stored;
  const legacy = readJson<Record<string, string> | null>("apiKeys", null);
  if (legacy) {
    const migrated: ParameterSections = { core: {} };
    for (const [key, value] of Object.entries(legacy)) migrated.core[key] = { value };
    write("parameters", migrated);
    remove("apiKeys");
    return migrated;
  }
  return structuredClone(DEFAULT_PARAMETERS);
}

/** The flat {key: value} object sent with each run: non-empty values only. */
export function flatParameters(parameters: ParameterSections): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const section of Object.values(parameters)) {
    for (const [key, detail] of Object.entries(section)) {
      const value = detail?.value;
      if (value !== undefined && value !== null && value !== "" && value !== false) flat[key] = typeof value === "string" ? value.trim() : value;
    }
  }
  return flat;
}

export const usePrefs = create<PrefsState>((set, get) => ({
  theme: initialTheme(),
  language: initialLanguage(),
  showMinimap: readJson<boolean>("vp-minimap", true),
  hiddenNodes: readJson<string[]>("nodes_hidden", DEFAULT_HIDDEN_NODES),
  parameters: initialParameters(),
  appConfig: readJson<Record<string, string>>("appConfig", {}),
  paletteOpen: !isNarrowScreen(),
  sidePaneOpen: false,
  sidePaneTab: "json",
  modal: null,
  helpView: null,
  settingsTab: "user",

  setTheme: (theme) => {
    write("darkMode", theme === "dark");
    set({ theme });
  },
  setLanguage: (language) => {
    write("i18nextLng", language);
    void loadLanguage(language).then(() => set({ language }));
  },
  setShowMinimap: (showMinimap) => {
    write("vp-minimap", showMinimap);
    set({ showMinimap });
  },
  setHiddenNodes: (hiddenNodes) => {
    write("nodes_hidden", hiddenNodes);
    set({ hiddenNodes });
  },
  setParameters: (parameters) => {
    write("parameters", parameters);
    set({ parameters });
  },
  /** The server's list of parameter names, with the values this browser already holds for them. */
  mergeServerParameters: (server) => {
    const stored = get().parameters;
    const merged: ParameterSections = {};
    for (const [section, keys] of Object.entries(server)) {
      merged[section] = {};
      for (const [key, detail] of Object.entries(keys ?? {})) {
        const value = stored[section]?.[key]?.value ?? Object.values(stored).find((s) => s?.[key])?.[key]?.value;
        merged[section][key] = { ...(detail ?? {}), ...(value !== undefined ? { value } : {}) };
      }
    }
    set({ parameters: merged });
  },
  setAppConfig: (appConfig) => {
    write("appConfig", appConfig);
    set({ appConfig });
  },
  set: (patch) => set(patch),
}));
