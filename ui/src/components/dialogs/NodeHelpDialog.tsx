/** Help of a node type: its help message, type and field list. */
import { humanize, useLanguage, useT } from "../../i18n";
import { useDialogs } from "../../store/dialogs";
import { selectCurrentTab, useFlow } from "../../store/flowStore";
import { NodeIcon } from "../icons";
import { Modal } from "../Modal";

export function NodeHelpDialog() {
  const t = useT();
  const language = useLanguage();
  const target = useDialogs((s) => s.help);
  const close = useDialogs((s) => s.close);
  const node = useFlow((s) => (target ? selectCurrentTab(s).nodes.find((n) => n.id === target.nodeId) : undefined));
  if (!target || !node) return null;
  const config = node.data.config;
  const help = config?.helpMessage ? t(config.helpMessage) : "";
  return (
    <Modal title={<span className="title-with-icon"><NodeIcon name={config?.icon} label={t(config?.nodeName)} size={22} /> {t(config?.nodeName)}</span>} onClose={() => close("help")} testId="node-help-dialog">
      <p>{help && help !== config?.helpMessage ? help : t("noDataAvailableForThisNode")}</p>
      <p className="muted small mono">{node.data.processorType} · {node.id}</p>
      {config?.fields?.length ? (
        <ul className="help-fields">
          {config.fields.filter((f) => !f.hidden).map((f) => (
            <li key={f.name}><b>{humanize(language, f.label ?? f.name)}</b>{f.required && " *"} <span className="muted">({f.type})</span>{f.description && <> — {t(f.description)}</>}</li>
          ))}
        </ul>
      ) : null}
    </Modal>
  );
}
