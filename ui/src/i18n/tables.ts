/** The translation tables: English built in, the other languages fetched (their own chunk) when first chosen. */
import { en as enShell } from "./en";
import { enNodes } from "./enNodes";
import type { Language } from "./languages";

export const en: Record<string, string> = { ...enNodes, ...enShell };
export const tables: Partial<Record<Language, Record<string, string>>> = { en };

/** Fetch a language's tables once; translate() falls back to English until they are in. */
export async function loadLanguage(language: Language): Promise<void> {
  if (tables[language]) return;
  if (language === "fr") {
    const [{ fr }, { frNodes }] = await Promise.all([import("./fr"), import("./frNodes")]);
    tables.fr = { ...frNodes, ...fr };
  }
}
