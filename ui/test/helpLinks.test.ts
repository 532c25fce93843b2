import { describe, expect, it } from "vitest";
import { helpLink, isPlainClick, markdownUrl, nodeDoc, pageUrl } from "../src/model/helpLinks";

describe("help links", () => {
  it("reads links between help pages and to their sections", () => {
    expect(helpLink("nodes.md#llm-prompt", "guide")).toEqual({ page: "nodes", anchor: "llm-prompt" });
    expect(helpLink("./guide.md", "nodes")).toEqual({ page: "guide" });
    expect(helpLink("#save-and-publish", "guide")).toEqual({ page: "guide", anchor: "save-and-publish" });
    expect(helpLink("/help/nodes#url_input", "guide")).toEqual({ page: "nodes", anchor: "url_input" });
    expect(helpLink("/help/nodes.md", "guide")).toEqual({ page: "nodes" });
  });

  it("leaves other links alone", () => {
    for (const href of ["/api/v1/docs", "architecture.md", "https://example.com/nodes.md", "../README.md", "/help/ui", "nodes"]) {
      expect(helpLink(href, "guide")).toBeNull();
    }
  });

  it("makes the URLs of a page", () => {
    expect(markdownUrl("guide")).toBe("/help/guide.md");
    expect(pageUrl(nodeDoc("youtube_transcript_input"))).toBe("/help/nodes#youtube_transcript_input");
    expect(pageUrl({ page: "guide" })).toBe("/help/guide");
  });
});

describe("plain clicks", () => {
  it("are left clicks without a modifier", () => {
    const click = { button: 0, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false };
    expect(isPlainClick(click)).toBe(true);
    expect(isPlainClick({ ...click, ctrlKey: true })).toBe(false);
    expect(isPlainClick({ ...click, metaKey: true })).toBe(false);
    expect(isPlainClick({ ...click, button: 1 })).toBe(false);
  });
});
