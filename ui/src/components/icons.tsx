/** Inline SVG icons (no icon library): UI glyphs and node icons keyed by the configs' icon names. */
import type { ReactNode, SVGProps } from "react";
import { memo } from "react";

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function svg(path: ReactNode, viewBox = "0 0 24 24") {
  return function Icon({ size = 16, ...rest }: IconProps) {
    return (
      <svg width={size} height={size} viewBox={viewBox} fill="none" stroke="currentColor" strokeWidth={2}
        strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" {...rest}>
        {path}
      </svg>
    );
  };
}

export const Play = svg(<path d="M7 4.5v15l13-7.5z" fill="currentColor" stroke="none" />);
export const PauseIcon = svg(<><rect x="6" y="5" width="4" height="14" rx="1" fill="currentColor" stroke="none" /><rect x="14" y="5" width="4" height="14" rx="1" fill="currentColor" stroke="none" /></>);
export const StopIcon = svg(<rect x="6" y="6" width="12" height="12" rx="2" fill="currentColor" stroke="none" />);
export const Check = svg(<path d="M5 12.5l4.5 4.5L19 7.5" />);
export const Close = svg(<path d="M6 6l12 12M18 6L6 18" />);
export const Plus = svg(<path d="M12 5v14M5 12h14" />);
export const Minus = svg(<path d="M5 12h14" />);
export const Undo = svg(<><path d="M9 14L4 9l5-5" /><path d="M4 9h10.5a5.5 5.5 0 010 11H11" /></>);
export const Redo = svg(<><path d="M15 14l5-5-5-5" /><path d="M20 9H9.5a5.5 5.5 0 000 11H13" /></>);
export const CloudUp = svg(<><path d="M7 18a4.5 4.5 0 01-.6-9A6 6 0 0118 9.5a4 4 0 01-1 8.5" /><path d="M12 20v-8M9 14.5l3-3 3 3" /></>);
export const FolderOpen = svg(<><path d="M3 19V6a1 1 0 011-1h5l2 2h8a1 1 0 011 1v3" /><path d="M3 19l3-8h16l-3 8z" /></>);
export const Refresh = svg(<><path d="M20 11a8 8 0 10-2.3 5.7" /><path d="M20 4v7h-7" /></>);
export const Layout = svg(<><rect x="3" y="4" width="6" height="6" rx="1.5" /><rect x="15" y="4" width="6" height="6" rx="1.5" /><rect x="15" y="14" width="6" height="6" rx="1.5" /><path d="M9 7h6M12 7v10h3" /></>);
export const Sun = svg(<><circle cx="12" cy="12" r="4" /><path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" /></>);
export const Moon = svg(<path d="M20 14.5A8 8 0 019.5 4a8 8 0 1010.5 10.5z" />);
export const Gear = svg(<><circle cx="12" cy="12" r="3" /><path d="M19.4 15a1.7 1.7 0 00.3 1.8l.1.1a2 2 0 11-2.8 2.8l-.1-.1a1.7 1.7 0 00-1.8-.3 1.7 1.7 0 00-1 1.5V21a2 2 0 11-4 0v-.1a1.7 1.7 0 00-1.1-1.5 1.7 1.7 0 00-1.8.3l-.1.1a2 2 0 11-2.8-2.8l.1-.1a1.7 1.7 0 00.3-1.8 1.7 1.7 0 00-1.5-1H3a2 2 0 110-4h.1a1.7 1.7 0 001.5-1.1 1.7 1.7 0 00-.3-1.8l-.1-.1a2 2 0 112.8-2.8l.1.1a1.7 1.7 0 001.8.3H9a1.7 1.7 0 001-1.5V3a2 2 0 114 0v.1a1.7 1.7 0 001 1.5 1.7 1.7 0 001.8-.3l.1-.1a2 2 0 112.8 2.8l-.1.1a1.7 1.7 0 00-.3 1.8V9a1.7 1.7 0 001.5 1H21a2 2 0 110 4h-.1a1.7 1.7 0 00-1.5 1z" /></>);
export const HelpIcon = svg(<><circle cx="12" cy="12" r="9.5" /><path d="M9.2 9a3 3 0 015.8 1c0 2-3 2.5-3 4.5" /><circle cx="12" cy="17.5" r=".6" fill="currentColor" /></>);
export const Search = svg(<><circle cx="11" cy="11" r="7" /><path d="M20 20l-3.5-3.5" /></>);
export const ChevronDown = svg(<path d="M6 9l6 6 6-6" />);
export const ChevronLeft = svg(<path d="M15 6l-6 6 6 6" />);
export const ChevronRight = svg(<path d="M9 6l6 6-6 6" />);
export const Grip = svg(<><circle cx="9" cy="6" r="1" fill="currentColor" /><circle cx="15" cy="6" r="1" fill="currentColor" /><circle cx="9" cy="12" r="1" fill="currentColor" /><circle cx="15" cy="12" r="1" fill="currentColor" /><circle cx="9" cy="18" r="1" fill="currentColor" /><circle cx="15" cy="18" r="1" fill="currentColor" /></>);
export const Trash = svg(<><path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3" /></>);
export const CopyIcon = svg(<><rect x="9" y="9" width="11" height="11" rx="2" /><path d="M5 15V5a2 2 0 012-2h8" /></>);
export const Duplicate = svg(<><rect x="8" y="8" width="12" height="12" rx="2" /><path d="M4 16V6a2 2 0 012-2h10M14 11v6M11 14h6" /></>);
export const PaletteIcon = svg(<><circle cx="12" cy="12" r="9" /><circle cx="8" cy="10" r="1.2" fill="currentColor" /><circle cx="12" cy="7.5" r="1.2" fill="currentColor" /><circle cx="16" cy="10" r="1.2" fill="currentColor" /><path d="M12 21a3 3 0 010-6h2" /></>);
export const Pencil = svg(<><path d="M4 20h4L19 9l-4-4L4 16z" /><path d="M14 6l4 4" /></>);
export const Eraser = svg(<><path d="M8 20h12M5.5 14.5l8-8a2 2 0 012.8 0l2.2 2.2a2 2 0 010 2.8L12 18H8z" /></>);
export const Info = svg(<><circle cx="12" cy="12" r="9.5" /><path d="M12 11v6" /><circle cx="12" cy="7.5" r=".6" fill="currentColor" /></>);
export const DownloadIcon = svg(<><path d="M12 4v11M7 10.5l5 5 5-5" /><path d="M4 19h16" /></>);
export const UploadIcon = svg(<><path d="M12 16V5M7 9.5l5-5 5 5" /><path d="M4 19h16" /></>);
export const FileIcon = svg(<><path d="M14 3H7a2 2 0 00-2 2v14a2 2 0 002 2h10a2 2 0 002-2V8z" /><path d="M14 3v5h5" /></>);
export const LinkIcon = svg(<><path d="M10 14a4 4 0 005.7 0l3-3a4 4 0 00-5.7-5.7l-1 1" /><path d="M14 10a4 4 0 00-5.7 0l-3 3a4 4 0 005.7 5.7l1-1" /></>);
export const PanelRight = svg(<><rect x="3" y="4" width="18" height="16" rx="2" /><path d="M15 4v16" /></>);
export const Expand = svg(<path d="M4 14v6h6M20 10V4h-6M4 20l7-7M20 4l-7 7" />);
export const Spinner = ({ size = 16 }: { size?: number }) => (
  <svg width={size} height={size} viewBox="0 0 24 24" className="spin" aria-hidden="true">
    <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeOpacity=".25" strokeWidth="3" />
    <path d="M21 12a9 9 0 00-9-9" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
  </svg>
);

const glyphs: Record<string, ReturnType<typeof svg>> = {
  AiOutlineEdit: Pencil,
  FaLink: LinkIcon,
  FaFile: FileIcon,
  FiMonitor: svg(<><rect x="3" y="4" width="18" height="12" rx="2" /><path d="M8 20h8M12 16v4" /></>),
  MdOutlineDoubleArrow: svg(<path d="M5 6l6 6-6 6M13 6l6 6-6 6" />),
  AiOutlineMergeCells: svg(<><path d="M4 6h5l3 6-3 6H4" /><path d="M20 12h-8" /></>),
  FiScissors: svg(<><circle cx="6" cy="6" r="3" /><circle cx="6" cy="18" r="3" /><path d="M20 4L8.1 15.9M14.5 14.5L20 20M8.1 8.1L12 12" /></>),
  FaImage: svg(<><rect x="3" y="4" width="18" height="16" rx="2" /><circle cx="9" cy="10" r="2" /><path d="M21 16l-5-5-9 9" /></>),
  FaFilm: svg(<><rect x="3" y="4" width="18" height="16" rx="2" /><path d="M7 4v16M17 4v16M3 9h4M3 15h4M17 9h4M17 15h4" /></>),
  FaEye: svg(<><path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z" /><circle cx="12" cy="12" r="3" /></>),
  MdHttp: svg(<><circle cx="12" cy="12" r="9" /><path d="M3 12h18M12 3a14 14 0 010 18M12 3a14 14 0 000 18" /></>),
  TbHttpGet: svg(<><circle cx="12" cy="12" r="9" /><path d="M3 12h18M12 3a14 14 0 010 18M12 3a14 14 0 000 18" /></>),
  MdSwapHoriz: svg(<path d="M4 8h14l-4-4M20 16H6l4 4" />),
  BsJson: svg(<path d="M8 4c-2 0-2 2-2 4s-2 4-2 4 2 0 2 4 0 4 2 4M16 4c2 0 2 2 2 4s2 4 2 4-2 0-2 4 0 4-2 4" />),
  FaRobot: svg(<><rect x="4" y="8" width="16" height="12" rx="3" /><path d="M12 8V4M9 13h.01M15 13h.01M9 17h6" /></>),
  GiPerspectiveDiceSix: svg(<><rect x="4" y="4" width="16" height="16" rx="3" /><circle cx="9" cy="9" r=".8" fill="currentColor" /><circle cx="15" cy="15" r=".8" fill="currentColor" /><circle cx="15" cy="9" r=".8" fill="currentColor" /><circle cx="9" cy="15" r=".8" fill="currentColor" /></>),
  FaRandom: svg(<path d="M4 7h3l10 10h3M4 17h3l3-3M14 10l3-3h3M17 4l3 3-3 3M17 14l3 3-3 3" />),
  AiOutlineSearch: Search,
  FiFilter: svg(<path d="M4 5h16l-6 8v6l-4-2v-4z" />),
};

const brands: Record<string, { text: string; bg: string }> = {
  OpenAILogo: { text: "AI", bg: "#10a37f" },
  ReplicateLogo: { text: "R", bg: "#1f1f1f" },
  AnthropicLogo: { text: "A", bg: "#d97757" },
  StabilityAILogo: { text: "S", bg: "#8b5cf6" },
  YoutubeLogo: { text: "▶", bg: "#ff0033" },
  DeepSeekLogo: { text: "D", bg: "#4d6bfe" },
  OpenRouterLogo: { text: "OR", bg: "#6366f1" },
  GeminiIcon: { text: "G", bg: "#4285f4" },
  FaGoogle: { text: "G", bg: "#4285f4" },
  AIFlowLogo: { text: "✦", bg: "#0ea5a4" },
};

/** The icon of a node type: a brand badge, a glyph, or the first letter of its name. */
export const NodeIcon = memo(function NodeIcon({ name, label, size = 26 }: { name?: string | null; label?: string; size?: number }) {
  const brand = name ? brands[name] : undefined;
  if (brand) {
    return <span className="node-icon brand" style={{ background: brand.bg, width: size, height: size }}>{brand.text}</span>;
  }
  const Glyph = name ? glyphs[name] : undefined;
  return (
    <span className="node-icon" style={{ width: size, height: size }}>
      {Glyph ? <Glyph size={Math.round(size * 0.6)} /> : <b>{(label ?? "?").charAt(0).toUpperCase()}</b>}
    </span>
  );
});
