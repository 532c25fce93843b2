/** A large editor for long text fields; Validate applies, closing cancels. */
import { useState } from "react";
import { useT } from "../../i18n";
import { useDialogs } from "../../store/dialogs";
import { selectCurrentTab, useFlow } from "../../store/flowStore";
import { Modal } from "../Modal";

export function TextEditDialog() {
  const target = useDialogs((s) => s.textEdit);
  if (!target) return null;
  return <TextEditor key={`${target.nodeId}:${target.field}`} />;
}

function TextEditor() {
  const t = useT();
  const target = useDialogs((s) => s.textEdit)!;
  const close = useDialogs((s) => s.close);
  const initial = useFlow((s) => selectCurrentTab(s).nodes.find((n) => n.id === target.nodeId)?.data[target.field]);
  const [text, setText] = useState(String(initial ?? ""));
  const done = () => close("textEdit");
  return (
    <Modal title={`${t("EditTextContent")} · ${target.label}`} onClose={done} wide testId="text-edit-dialog"
      footer={<>
        <button type="button" className="btn ghost" onClick={done}>{t("Cancel")}</button>
        <button type="button" className="btn primary" data-testid="text-edit-validate" onClick={() => { useFlow.getState().setFieldValue(target.nodeId, target.field, text); done(); }}>{t("Validate")}</button>
      </>}>
      <textarea className="input textarea big" autoFocus value={text} onChange={(e) => setText(e.target.value)} rows={22} />
    </Modal>
  );
}
