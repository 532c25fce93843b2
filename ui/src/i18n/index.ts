/** Translation: t(key, vars) in the chosen language, English next, else a readable form of the key. */
import { usePrefs } from "../store/prefs";
import type { Language } from "./languages";
import { en, tables } from "./tables";

export { LANGUAGES, type Language } from "./languages";
export { loadLanguage } from "./tables";

export function has(key: string): boolean {
  return key in en;
}

export function translate(language: Language, key: string | null | undefined, vars?: Record<string, string | number>): string {
  if (!key) return "";
  let text = tables[language]?.[key] ?? en[key] ?? key;
  if (vars) for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** A field label: its translation, else the name made readable (search_context_size -> Search context size). */
export function humanize(language: Language, key: string): string {
  if (tables[language]?.[key] ?? en[key]) return translate(language, key);
  const words = key.replace(/[_-]+/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The label of a field of a node's form, as the form shows it. */
export function fieldLabel(language: Language, field: { name: string; label?: string | null }): string {
  return humanize(language, field.label ?? field.name);
}

export function useT() {
  const language = usePrefs((s) => s.language);
  return (key: string | null | undefined, vars?: Record<string, string | number>) => translate(language, key, vars);
}

export function useLanguage(): Language {
  return usePrefs((s) => s.language);
}
