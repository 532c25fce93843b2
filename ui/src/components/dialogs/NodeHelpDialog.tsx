/** Help of a node type: what it does, its inputs and output, its fields, and its section of the node reference. */
import "../../i18n/helpTexts";
import "../help/help.css";
import { fieldLabel, humanize, useLanguage, useT } from "../../i18n";
import { isPlainClick, nodeDoc, pageUrl } from "../../model/helpLinks";
import { useDialogs } from "../../store/dialogs";
import { selectCurrentTab, useFlow } from "../../store/flowStore";
import { usePrefs } from "../../store/prefs";
import { NodeIcon } from "../icons";
import { Modal } from "../Modal";
import { inputLabels } from "../PaletteCard";

export function NodeHelpDialog() {
  const t = useT();
  const language = useLanguage();
  const target = useDialogs((s) => s.help);
  const close = useDialogs((s) => s.close);
  const node = useFlow((s) => (target ? selectCurrentTab(s).nodes.find((n) => n.id === target.nodeId) : undefined));
  // the catalogue's types are the documented ones (docs/nodes.md has a section per type)
  const documented = useFlow((s) => Boolean(node && s.configs[node.data.processorType]));
  if (!target || !node) return null;
  const config = node.data.config;
  const name = t(config?.nodeName);
  const help = config?.helpMessage ? t(config.helpMessage) : "";
  const inputs = config ? inputLabels(config, (f) => fieldLabel(language, f)) : [];
  const linkable = config?.hasInputHandle || config?.showHandlesNames;
  const doc = nodeDoc(node.data.processorType);
  const openDoc = () => {
    close("help");
    usePrefs.getState().set({ modal: "help", helpView: doc });
  };
  return (
    <Modal title={<span className="title-with-icon"><NodeIcon name={config?.icon} label={name} size={22} /> {name}</span>} onClose={() => close("help")} testId="node-help-dialog">
      <p data-testid="node-help-description">{help && help !== config?.helpMessage ? help : t("noDataAvailableForThisNode")}</p>
      <p className="muted small mono">{node.data.processorType} · {node.id}</p>
      <dl className="palette-card-io">
        <dt>{t("CardInputs")}</dt>
        <dd data-testid="node-help-inputs">
          {inputs.length ? inputs.map((input) => <span key={input} className="io-chip in">{input}</span>)
            : <span className="muted">{linkable ? t("CardAnyInput") : t("CardNoInput")}</span>}
        </dd>
        <dt>{t("CardOutput")}</dt>
        <dd data-testid="node-help-output"><span className="io-chip out">{t(`OutputKind_${config?.outputType ?? "text"}`)}</span></dd>
      </dl>
      {config?.fields?.length ? (
        <ul className="help-fields">
          {config.fields.filter((f) => !f.hidden).map((f) => (
            <li key={f.name}><b>{humanize(language, f.label ?? f.name)}</b>{f.required && " *"} <span className="muted">({f.type})</span>{f.description && <> — {t(f.description)}</>}</li>
          ))}
        </ul>
      ) : null}
      {documented && (
        <p className="learn-more">
          <span>{t("LearnMore")}</span>
          <a href={pageUrl(doc)} data-testid="node-help-doc"
            onClick={(e) => { if (isPlainClick(e)) { e.preventDefault(); openDoc(); } }}>
            {t("NodeInReference", { name })}
          </a>
          <a href={pageUrl(doc)} target="_blank" rel="noopener" title={t("OpenPageInNewTab")} aria-label={t("OpenPageInNewTab")} data-testid="node-help-doc-new-tab">↗</a>
        </p>
      )}
    </Modal>
  );
}
