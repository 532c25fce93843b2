/** GitHub-flavoured Markdown with highlighted code blocks (highlight.js, a few common languages); help pages also get
 *  heading ids (rehype-slug, GitHub's anchors) and links that stay in the help popup. */
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import css from "highlight.js/lib/languages/css";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import python from "highlight.js/lib/languages/python";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import { memo, type ReactNode } from "react";
import ReactMarkdown from "react-markdown";
import rehypeSlug from "rehype-slug";
import remarkGfm from "remark-gfm";
import { useT } from "../../i18n";
import { isPlainClick } from "../../model/helpLinks";
import { copyText } from "./clipboard";

const languages = { bash, css, javascript, json, markdown, python, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);
hljs.registerAliases(["sh", "shell", "zsh"], { languageName: "bash" });
hljs.registerAliases(["js", "jsx"], { languageName: "javascript" });
hljs.registerAliases(["ts", "tsx"], { languageName: "typescript" });
hljs.registerAliases(["html", "svg"], { languageName: "xml" });
hljs.registerAliases(["py"], { languageName: "python" });
hljs.registerAliases(["yml"], { languageName: "yaml" });
hljs.registerAliases(["md"], { languageName: "markdown" });

function text(children: ReactNode): string {
  if (typeof children === "string") return children;
  if (Array.isArray(children)) return children.map(text).join("");
  return "";
}

function CodeBlock({ language, code }: { language: string; code: string }) {
  const t = useT();
  const known = hljs.getLanguage(language);
  const html = known ? hljs.highlight(code, { language, ignoreIllegals: true }).value : undefined;
  return (
    <div className="code-block">
      <div className="code-head">
        <span>{language}</span>
        <button type="button" className="btn tiny ghost" onClick={() => copyText(code)}>{t("Copy")}</button>
      </div>
      {html !== undefined
        ? <pre><code className="hljs" dangerouslySetInnerHTML={{ __html: html }} /></pre>
        : <pre><code className="hljs">{code}</code></pre>}
    </div>
  );
}

/** A link the page handles itself: its href (for a middle click or a new tab) and what a plain click does. */
export interface InAppLink {
  href: string;
  open: () => void;
}

export interface MarkdownProps {
  source: string;
  /** give headings ids: this prefix + their GitHub-style anchor */
  headingIdPrefix?: string;
  /** links that stay in the page (others open in a new tab) */
  inAppLink?: (href: string) => InAppLink | null;
}

export const Markdown = memo(function Markdown({ source, headingIdPrefix, inAppLink }: MarkdownProps) {
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        rehypePlugins={headingIdPrefix === undefined ? [] : [[rehypeSlug, { prefix: headingIdPrefix }]]}
        components={{
          a: ({ href, children }) => {
            const link = href ? inAppLink?.(href) : null;
            if (link) {
              return <a href={link.href} onClick={(e) => { if (isPlainClick(e)) { e.preventDefault(); link.open(); } }}>{children}</a>;
            }
            return <a href={href} target="_blank" rel="noreferrer noopener">{children}</a>;
          },
          code: ({ className, children }) => {
            const match = /language-([\w+-]+)/.exec(className ?? "");
            const code = text(children).replace(/\n$/, "");
            if (match) return <CodeBlock language={match[1].toLowerCase()} code={code} />;
            return <code className="inline">{children}</code>;
          },
          pre: ({ children }) => <>{children}</>,
        }}
      >
        {source}
      </ReactMarkdown>
    </div>
  );
});
