/** A help page of docs/ inside the help popup: fetched from the server, rendered as Markdown, scrolled to a section;
 *  links to other help pages stay in the popup. */
import { useCallback, useEffect, useRef, useState } from "react";
import { useT } from "../../i18n";
import { HEADING_ID_PREFIX, helpLink, markdownUrl, pageUrl, type HelpDoc, type HelpPage } from "../../model/helpLinks";
import type { InAppLink } from "../output/Markdown";
import { Markdown } from "../output/LazyMarkdown";

const pages = new Map<HelpPage, Promise<string>>();

/** A page's Markdown, fetched once per page load (a failed fetch is tried again next time). */
function fetchPage(page: HelpPage): Promise<string> {
  let text = pages.get(page);
  if (!text) {
    text = fetch(markdownUrl(page)).then((response) => {
      if (!response.ok) throw new Error(`help page ${page}: ${response.status}`);
      return response.text();
    });
    text.catch(() => pages.delete(page));
    pages.set(page, text);
  }
  return text;
}

/** Scroll `scroller` so that the heading of `anchor` is at its top, once the page shows it (the Markdown renderer
 *  is a chunk of its own: the raw text shows first). */
function scrollToSection(scroller: HTMLElement, anchor: string | undefined): () => void {
  if (!anchor) {
    scroller.scrollTop = 0;
    return () => {};
  }
  const id = `#${CSS.escape(HEADING_ID_PREFIX + anchor)}`;
  const attempt = (): boolean => {
    const heading = scroller.querySelector(id);
    if (heading) scroller.scrollTop += heading.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
    return heading !== null;
  };
  if (attempt()) return () => {};
  const observer = new MutationObserver(() => { if (attempt()) stop(); });
  const timer = setTimeout(() => stop(), 15_000);
  const stop = () => { observer.disconnect(); clearTimeout(timer); };
  observer.observe(scroller, { childList: true, subtree: true });
  return stop;
}

export function HelpDocView({ doc, show }: { doc: HelpDoc; show: (doc: HelpDoc) => void }) {
  const t = useT();
  const [source, setSource] = useState<{ page: HelpPage; text: string } | { page: HelpPage; failed: true } | null>(null);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let current = true;
    fetchPage(doc.page).then(
      (text) => { if (current) setSource({ page: doc.page, text }); },
      () => { if (current) setSource({ page: doc.page, failed: true }); },
    );
    return () => { current = false; };
  }, [doc.page]);

  const loaded = source?.page === doc.page && "text" in source ? source.text : null;
  useEffect(() => (loaded !== null && scroller.current ? scrollToSection(scroller.current, doc.anchor) : undefined), [loaded, doc]);

  const inAppLink = useCallback((href: string): InAppLink | null => {
    const target = helpLink(href, doc.page);
    return target ? { href: pageUrl(target), open: () => show({ ...target }) } : null;
  }, [doc.page, show]);

  return (
    <div className="help-doc" ref={scroller} data-testid="help-doc" data-page={doc.page}>
      {source?.page === doc.page && "failed" in source && <p className="muted" role="alert">{t("HelpPageError")}</p>}
      {loaded !== null && <Markdown source={loaded} headingIdPrefix={HEADING_ID_PREFIX} inAppLink={inAppLink} />}
    </div>
  );
}
