/** The flow library: the flows saved on the server (name, last update, versions), each opened (any version) in a
 * new tab, renamed or deleted. */
import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../../api/rest";
import { flowsApi, type FlowSummary } from "../../api/flowsApi";
import { useLanguage, useT } from "../../i18n";
import { useDialogs } from "../../store/dialogs";
import { toast } from "../../store/toasts";
import { deleteOnServer, openFromServer, renameOnServer } from "../flowLibrary";
import { Check, Pencil, Play, Spinner, Trash } from "../icons";
import { Modal } from "../Modal";

type Listing =
  | { state: "loading" }
  | { state: "unavailable" }
  | { state: "error"; message: string }
  | { state: "ready"; flows: FlowSummary[]; nextCursor: string | null };

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function FlowRow({ flow, onChanged }: { flow: FlowSummary; onChanged: () => void }) {
  const t = useT();
  const language = useLanguage();
  const close = useDialogs((s) => s.close);
  const [version, setVersion] = useState(flow.latestVersion);
  const [busy, setBusy] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      toast.error(error instanceof ApiError && error.status === 404 ? t("SavedFlowGone") : message(error));
      onChanged();
    } finally {
      setBusy(false);
    }
  };
  const open = () => act(async () => {
    await openFromServer(flow.id, version === flow.latestVersion ? undefined : version);
    close("library");
  });
  const rename = (name: string) => act(async () => {
    setRenaming(null);
    if (name.trim() && name.trim() !== flow.name) {
      await renameOnServer(flow.id, name.trim());
      onChanged();
    }
  });
  const remove = () => act(async () => {
    await deleteOnServer(flow.id);
    toast.success(t("SavedFlowDeleted", { name: flow.name }));
    onChanged();
  });
  return (
    <li className="library-flow" data-testid={`library-flow-${flow.id}`}>
      <div className="library-line">
        {renaming !== null ? (
          <input className="input" autoFocus value={renaming} data-testid={`library-rename-input-${flow.id}`} onChange={(e) => setRenaming(e.target.value)}
            onKeyDown={(e) => { if (e.key === "Enter") void rename(renaming); if (e.key === "Escape") { e.stopPropagation(); setRenaming(null); } }} />
        ) : <b className="library-name" data-testid={`library-name-${flow.id}`}>{flow.name}</b>}
        {renaming !== null && <button type="button" className="icon-btn" title={t("Save")} onClick={() => void rename(renaming)} data-testid={`library-rename-ok-${flow.id}`}><Check size={14} /></button>}
      </div>
      <div className="library-line muted">
        <span>{t("UpdatedAt", { time: new Date(flow.updatedAt).toLocaleString(language) })}</span>
        <span data-testid={`library-versions-${flow.id}`}>{t("VersionCount", { count: flow.latestVersion })}</span>
      </div>
      <div className="button-row">
        <select className="input narrow" value={version} onChange={(e) => setVersion(Number(e.target.value))} title={t("Version")} data-testid={`library-version-${flow.id}`}>
          {Array.from({ length: flow.latestVersion }, (_, i) => flow.latestVersion - i).map((v) => (
            <option key={v} value={v}>{v === flow.latestVersion ? t("LatestVersion", { version: v }) : t("VersionN", { version: v })}</option>
          ))}
        </select>
        <button type="button" className="btn small primary" disabled={busy} onClick={() => void open()} data-testid={`library-open-${flow.id}`}>
          {busy ? <Spinner size={13} /> : <Play size={13} />} {t("OpenInNewTab")}
        </button>
        <button type="button" className="btn small" disabled={busy} onClick={() => setRenaming(flow.name)} data-testid={`library-rename-${flow.id}`}><Pencil size={13} /> {t("ChangeName")}</button>
        {confirming ? (
          <button type="button" className="btn small danger" disabled={busy} onClick={() => void remove()} onBlur={() => setConfirming(false)} autoFocus
            data-testid={`library-delete-confirm-${flow.id}`}><Trash size={13} /> {t("ConfirmDelete")}</button>
        ) : (
          <button type="button" className="btn small danger-outline" disabled={busy} onClick={() => setConfirming(true)} data-testid={`library-delete-${flow.id}`}><Trash size={13} /> {t("Delete")}</button>
        )}
      </div>
    </li>
  );
}

export function FlowLibraryDialog() {
  const t = useT();
  const shown = useDialogs((s) => s.library);
  const close = useDialogs((s) => s.close);
  const [listing, setListing] = useState<Listing>({ state: "loading" });

  const load = useCallback(async (cursor?: string | null) => {
    try {
      const page = await flowsApi.list(cursor);
      setListing((l) => ({
        state: "ready",
        flows: cursor && l.state === "ready" ? [...l.flows, ...page.flows.filter((f) => !l.flows.some((o) => o.id === f.id))] : page.flows,
        nextCursor: page.nextCursor,
      }));
    } catch (error) {
      setListing(error instanceof ApiError && (error.status === 404 || error.status < 300) ? { state: "unavailable" } : { state: "error", message: message(error) });
    }
  }, []);

  useEffect(() => {
    if (!shown) return;
    setListing({ state: "loading" });
    void load();
  }, [shown, load]);

  if (!shown) return null;
  return (
    <Modal title={t("SavedFlows")} onClose={() => close("library")} testId="flow-library" wide>
      {listing.state === "loading" && <div className="empty-pane"><Spinner size={18} /></div>}
      {listing.state === "unavailable" && <div className="empty-pane" data-testid="library-unavailable"><p>{t("LibraryUnavailable")}</p></div>}
      {listing.state === "error" && <div className="node-error" role="alert" data-testid="library-error">{listing.message}</div>}
      {listing.state === "ready" && !listing.flows.length && (
        <div className="empty-pane" data-testid="library-empty"><p>{t("NoSavedFlows")}</p><p className="muted">{t("NoSavedFlowsHint")}</p></div>
      )}
      {listing.state === "ready" && listing.flows.length > 0 && (
        <ul className="library-list">{listing.flows.map((flow) => <FlowRow key={flow.id} flow={flow} onChanged={() => void load()} />)}</ul>
      )}
      {listing.state === "ready" && listing.nextCursor && (
        <button type="button" className="btn small" onClick={() => void load(listing.nextCursor)} data-testid="library-more">{t("LoadMore")}</button>
      )}
    </Modal>
  );
}
