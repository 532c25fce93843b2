/** Markdown output in its own chunk (react-markdown, highlight.js): the raw text shows while the renderer loads. */
import { lazy, Suspense } from "react";
import type { MarkdownProps } from "./Markdown";

const MarkdownView = lazy(async () => ({ default: (await import("./Markdown")).Markdown }));

export function Markdown(props: MarkdownProps) {
  return (
    <Suspense fallback={<div className="plain">{props.source}</div>}>
      <MarkdownView {...props} />
    </Suspense>
  );
}
