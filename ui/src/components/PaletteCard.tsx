/** The help card of a hovered palette entry: what the node does, what it takes in and what it gives. */
import { createPortal } from "react-dom";
import { fieldLabel, useLanguage, useT } from "../i18n";
import type { NodeConfig } from "../model/types";

/** The names of the inputs a node can be linked to, as its form labels them. */
export function inputLabels(config: NodeConfig, label: (field: { name: string; label?: string | null }) => string): string[] {
  const fields = config.fields ?? [];
  if (config.showHandlesNames) return fields.filter((f) => f.hasHandle).map(label);
  if (!config.hasInputHandle) return [];
  const names = config.inputNames?.length ? config.inputNames : [];
  return names.map((name) => label(fields.find((f) => f.name === name) ?? { name }));
}

export function PaletteCard({ config, anchor }: { config: NodeConfig; anchor: DOMRect }) {
  const t = useT();
  const language = useLanguage();
  const type = config.processorType!;
  const inputs = inputLabels(config, (f) => fieldLabel(language, f));
  const linkable = config.hasInputHandle || config.showHandlesNames;
  const top = Math.max(8, Math.min(anchor.top, window.innerHeight - 260));
  // in <body>: the palette's blur and scrolling would clip it
  return createPortal(
    <div className="palette-card" role="tooltip" id={`palette-card-${type}`} data-testid={`palette-card-${type}`} style={{ left: anchor.right + 10, top }}>
      <div className="palette-card-title">{t(config.nodeName)}</div>
      <p className="palette-card-text" data-testid="palette-card-description">{config.helpMessage ? t(config.helpMessage) : t("NoNodeDescription")}</p>
      <dl className="palette-card-io">
        <dt>{t("CardInputs")}</dt>
        <dd data-testid="palette-card-inputs">
          {inputs.length ? inputs.map((name) => <span key={name} className="io-chip in">{name}</span>)
            : <span className="muted">{linkable ? t("CardAnyInput") : t("CardNoInput")}</span>}
        </dd>
        <dt>{t("CardOutput")}</dt>
        <dd data-testid="palette-card-output"><span className="io-chip out">{t(`OutputKind_${config.outputType ?? "text"}`)}</span></dd>
      </dl>
    </div>,
    document.body,
  );
}
