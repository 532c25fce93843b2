/** Output type of a value: the config's outputType, else guessed from a URL's extension (reference-ui §4.1). */
import type { OutputType } from "./types";

const BY_EXTENSION: [RegExp, OutputType][] = [
  [/\.(png|jpe?g|gif|webp|svg|avif)$/i, "imageUrl"],
  [/\.(mp4|m4v|mov|webm)$/i, "videoUrl"],
  [/\.(mp3|wav|ogg|oga|opus|m4a|aac|flac)$/i, "audioUrl"],
  [/\.(obj|glb|gltf)$/i, "3dUrl"],
  [/\.pdf$/i, "pdfUrl"],
  [/\.(txt|csv|zip|json)$/i, "fileUrl"],
];

export function guessType(value: unknown): OutputType {
  if (typeof value !== "string") return "markdown";
  const trimmed = value.trim();
  if (!/^(https?:\/\/|\/)\S+$/.test(trimmed)) return "markdown";
  const path = trimmed.split(/[?#]/)[0];
  for (const [pattern, type] of BY_EXTENSION) if (pattern.test(path) || pattern.test(trimmed)) return type;
  return "markdown";
}

/** The type to render: outputType when set, except that a plain URL value is shown by its extension. */
export function resolveType(configType: OutputType | null | undefined, value: unknown): OutputType {
  if (configType && configType !== "markdown" && configType !== "text") return configType;
  const guessed = guessType(value);
  return guessed !== "markdown" ? guessed : configType ?? "markdown";
}

export function fileExtension(url: string, fallback = "bin"): string {
  const match = /\.([a-z0-9]{1,5})$/i.exec(url.split(/[?#]/)[0]);
  return match ? match[1].toLowerCase() : fallback;
}

/** The loader a 3D file needs: OBJ by its extension, glTF (binary .glb or JSON .gltf) for anything else. */
export function modelFormat(url: string): "obj" | "gltf" {
  return fileExtension(url, "") === "obj" ? "obj" : "gltf";
}
