import { describe, expect, it } from "vitest";
import { en as shell } from "../src/i18n/en";
import { enNodes } from "../src/i18n/enNodes";
import { fr as frShell } from "../src/i18n/fr";
import { frNodes } from "../src/i18n/frNodes";
import { enHelp } from "../src/i18n/helpTexts";
import { LANGUAGES, type Language } from "../src/i18n/languages";

/** Brand names read the same in every language (English is the fallback). */
const SAME_EVERYWHERE = new Set(["DeepSeek", "OpenRouter"]);
const en = { ...enNodes, ...shell, ...enHelp };
const tables: Record<Language, Record<string, string>> = { en, fr: { ...frNodes, ...frShell } };

describe("translations", () => {
  for (const language of Object.keys(LANGUAGES) as Language[]) {
    it(`${language} has every English text`, () => {
      const missing = Object.keys(en).filter((key) => !SAME_EVERYWHERE.has(key) && !(key in tables[language]));
      expect(missing).toEqual([]);
    });
  }
});
