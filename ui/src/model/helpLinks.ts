/** The help pages the server serves from docs/: as Markdown in the help popup, as HTML in a new browser tab. */

export const HELP_PAGES = ["guide", "nodes"] as const;
export type HelpPage = (typeof HELP_PAGES)[number];

/** A help page, scrolled to one of its sections (a heading's GitHub-style anchor). */
export interface HelpDoc {
  page: HelpPage;
  anchor?: string;
}

/** What the help popup shows besides its cards: a help page, or the keyboard shortcuts. */
export type HelpView = HelpDoc | { page: "shortcuts" };

/** The id a help page's heading gets in the popup (prefixed: palette items use node types as ids). */
export const HEADING_ID_PREFIX = "doc-";

export function isHelpPage(name: string): name is HelpPage {
  return (HELP_PAGES as readonly string[]).includes(name);
}

export function markdownUrl(page: HelpPage): string {
  return `/help/${page}.md`;
}

/** The page as HTML, for a new tab (also what a link's href says, so that a middle click opens it there). */
export function pageUrl({ page, anchor }: HelpDoc): string {
  return `/help/${page}${anchor ? `#${encodeURIComponent(anchor)}` : ""}`;
}

/** The section of the node reference about a node type (docs/nodes.md has one heading per type). */
export function nodeDoc(processorType: string): HelpDoc {
  return { page: "nodes", anchor: processorType };
}

const SAME_PAGE = /^#([\w-]+)$/;
const PAGE_FILE = /^(?:\.\/|\/help\/)?([a-z]+)\.md(?:#([\w-]+))?$/;
const PAGE_ROUTE = /^\/help\/([a-z]+)(?:#([\w-]+))?$/;

/** The help page a link in a help page leads to (`nodes.md#llm-prompt`, `./guide.md`, `#files` on the page shown,
 *  `/help/nodes#x`), or null for any other link (shown as a link to a new tab). */
export function helpLink(href: string, current: HelpPage): HelpDoc | null {
  const same = SAME_PAGE.exec(href);
  if (same) return { page: current, anchor: same[1] };
  const match = PAGE_FILE.exec(href) ?? PAGE_ROUTE.exec(href);
  if (!match || !isHelpPage(match[1])) return null;
  return match[2] ? { page: match[1], anchor: match[2] } : { page: match[1] };
}

/** A plain left click (no modifier): the page handles it; other clicks keep the browser's way (a new tab...). */
export function isPlainClick(event: { button: number; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }): boolean {
  return event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
}
