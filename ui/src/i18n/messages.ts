/** Server messages made readable: API key names become their labels, and the way to add a key is the editor's. */
import { translate, type Language } from "./index";

const MISSING_KEY = /^No [\w .-]+ API key: set '([a-z0-9_]+)' in the settings[^.]*\.?/;
const QUOTED_NAME = /'([a-z][a-z0-9]*(?:_[a-z0-9]+)+)'/g;

/** The label of an API key parameter (openai_api_key -> "OpenAI API Key"), or undefined. */
export function apiKeyLabel(language: Language, key: string): string | undefined {
  for (const section of ["core", "extension"]) {
    const id = `parameters.${section}.${key}`;
    const text = translate(language, id);
    if (text !== id) return text;
  }
  return undefined;
}

/** A message from the server as the user should read it. */
export function readableMessage(language: Language, message: string): string {
  const missing = MISSING_KEY.exec(message);
  if (missing) {
    const label = apiKeyLabel(language, missing[1]) ?? translate(language, "ApiKey");
    return translate(language, "MissingApiKey", { label }) + message.slice(missing[0].length);
  }
  return message.replace(QUOTED_NAME, (whole, name: string) => {
    const label = apiKeyLabel(language, name) ?? translate(language, name);
    return label !== name ? `'${label}'` : whole;
  });
}
