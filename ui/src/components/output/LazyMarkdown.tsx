/** Markdown output in its own chunk (react-markdown, highlight.js): the raw text shows while the renderer loads. */
import { lazy, Suspense } from "react";

const MarkdownView = lazy(async () => ({ default: (await import("./Markdown")).Markdown }));

export function Markdown({ source }: { source: string }) {
  return (
    <Suspense fallback={<div className="plain">{source}</div>}>
      <MarkdownView source={source} />
    </Suspense>
  );
}
