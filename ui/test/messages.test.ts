import { describe, expect, it } from "vitest";
import { loadLanguage } from "../src/i18n";
import { readableMessage } from "../src/i18n/messages";

describe("readableMessage", () => {
  it("names a missing API key as the settings do and says where to add it", async () => {
    await loadLanguage("fr");
    const server = "No openai API key: set 'openai_api_key' in the settings (or OPENAI_API_KEY on the server with USE_ENV_API_KEYS=true).";
    expect(readableMessage("en", server)).toBe("OpenAI API Key is missing: add it in Settings → API keys.");
    expect(readableMessage("fr", server)).toBe("Clé d'API OpenAI manquante : ajoutez-la dans Réglages → Clés d'API.");
  });
  it("replaces quoted parameter names and leaves other messages alone", () => {
    expect(readableMessage("en", "Check 'replicate_api_key' please")).toBe("Check 'Replicate API Key' please");
    expect(readableMessage("en", "The model answered 500.")).toBe("The model answered 500.");
  });
});
