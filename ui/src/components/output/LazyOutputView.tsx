/** The output viewers (OutputView.tsx: text, Markdown, media, files) in their own chunk, loaded with the first output
 * shown (or once the first screen is drawn); meanwhile a text output shows as plain text (a link or data: nothing). */
import { lazy, memo, Suspense, type ComponentProps } from "react";

const Viewer = lazy(async () => ({ default: (await import("./OutputView")).OutputView }));

/** Drawn again only when what it shows changes (not on each render of its node: a status change, a tick). */
export const OutputView = memo(function OutputView(props: ComponentProps<typeof Viewer>) {
  const first = Array.isArray(props.value) ? props.value[0] : props.value;
  const text = typeof first === "string" && !/^(https?:|data:)/.test(first) ? first : "";
  return (
    <Suspense fallback={<div className="text-output"><div className="plain">{text}</div></div>}>
      <Viewer {...props} />
    </Suspense>
  );
});
