/** Replicate catalogue: collections on the left, featured and all models as cards, load more. */
import { useEffect, useState } from "react";
import { api, cursorOf, type ReplicateModel } from "../../api/rest";
import { useT } from "../../i18n";
import { useDialogs } from "../../store/dialogs";
import { toast } from "../../store/toasts";
import { Spinner } from "../icons";
import { Modal } from "../Modal";
import { configureReplicateNode, isKeyMissing, ReplicateKeyMissing } from "../nodes/ReplicateNode";

function ModelCard({ model, onPick }: { model: ReplicateModel; onPick: (id: string) => void }) {
  return (
    <button type="button" className="model-card" onClick={() => onPick(`${model.owner}/${model.name}`)} data-testid={`replicate-card-${model.owner}/${model.name}`}>
      {model.cover_image_url ? <img src={model.cover_image_url} alt="" loading="lazy" /> : <div className="no-cover">{model.name.charAt(0).toUpperCase()}</div>}
      <div className="model-meta">
        <b>{model.name}</b>
        <span className="muted small">{model.owner}{typeof model.run_count === "number" && ` · 🚀 ${Intl.NumberFormat(undefined, { notation: "compact" }).format(model.run_count)}`}</span>
        {model.description && <p>{model.description}</p>}
      </div>
    </button>
  );
}

export function ReplicatePicker() {
  const t = useT();
  const target = useDialogs((s) => s.replicate);
  const close = useDialogs((s) => s.close);
  const [collections, setCollections] = useState<{ name: string; slug: string }[]>([]);
  const [highlighted, setHighlighted] = useState<ReplicateModel[]>([]);
  const [models, setModels] = useState<ReplicateModel[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [collection, setCollection] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [filter, setFilter] = useState("");
  const [failed, setFailed] = useState(false);
  const [keyMissing, setKeyMissing] = useState(false);

  useEffect(() => {
    if (!target) return;
    setLoading(true);
    setFailed(false);
    setKeyMissing(false);
    Promise.allSettled([api.replicateCollections(), api.replicateModels()]).then(([cols, page]) => {
      if (cols.status === "fulfilled") setCollections(cols.value.results ?? []);
      if (page.status === "fulfilled") {
        setModels(page.value.public?.results ?? []);
        setCursor(cursorOf(page.value.public?.next));
        setHighlighted(page.value.highlighted ?? []);
      }
      if (cols.status === "rejected" && page.status === "rejected") {
        if (isKeyMissing(cols.reason) || isKeyMissing(page.reason)) setKeyMissing(true);
        else {
          setFailed(true);
          toast.error(t("ReplicateCatalogueError"));
        }
      }
      setLoading(false);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target?.nodeId]);

  if (!target) return null;

  const openCollection = async (slug: string | null, more?: string) => {
    setLoading(true);
    try {
      if (slug) {
        const page = await api.replicateCollection(slug, more);
        setModels((m) => (more ? [...m, ...(page.models ?? [])] : page.models ?? []));
        setCursor(cursorOf(page.next));
      } else {
        const page = await api.replicateModels(more);
        setModels((m) => (more ? [...m, ...(page.public?.results ?? [])] : page.public?.results ?? []));
        setCursor(cursorOf(page.public?.next));
      }
      setCollection(slug);
    } catch (error) {
      if (isKeyMissing(error)) setKeyMissing(true);
      else toast.error(`${t("ReplicateCatalogueError")} (${(error as Error).message})`);
    } finally {
      setLoading(false);
    }
  };

  const pick = async (modelId: string) => {
    close("replicate");
    try { await configureReplicateNode(target.nodeId, modelId); } catch { /* the node or a toast says why */ }
  };

  const match = (m: ReplicateModel) => !filter || `${m.owner}/${m.name} ${m.description ?? ""}`.toLowerCase().includes(filter.toLowerCase());

  return (
    <Modal title="Replicate" onClose={() => close("replicate")} wide="full" testId="replicate-picker">
      {keyMissing ? <ReplicateKeyMissing testId="replicate-picker-key-missing" onOpen={() => close("replicate")} /> : (
      <div className="picker">
        <aside className="picker-side">
          <h4>{t("Collections")}</h4>
          <button type="button" className={collection === null ? "active" : ""} onClick={() => openCollection(null)}>{t("AllModels")}</button>
          {collections.map((c) => (
            <button type="button" key={c.slug} className={collection === c.slug ? "active" : ""} onClick={() => openCollection(c.slug)}>
              {c.name.charAt(0).toUpperCase() + c.name.slice(1)}
            </button>
          ))}
        </aside>
        <section className="picker-main">
          <div className="picker-top">
            <input className="input" placeholder={t("SearchModels")} value={filter} onChange={(e) => setFilter(e.target.value)} />
            {loading && <Spinner size={18} />}
          </div>
          {failed && <p className="expired">{t("ReplicateCatalogueError")}</p>}
          {collection === null && highlighted.filter(match).length > 0 && (
            <>
              <h3>{t("SpotlightModels")}</h3>
              <div className="model-grid">{highlighted.filter(match).map((m) => <ModelCard key={`h-${m.owner}/${m.name}`} model={m} onPick={pick} />)}</div>
            </>
          )}
          <h3>{collection ? collections.find((c) => c.slug === collection)?.name : t("AllModels")}</h3>
          <div className="model-grid">{models.filter(match).map((m) => <ModelCard key={`${m.owner}/${m.name}`} model={m} onPick={pick} />)}</div>
          {cursor && <div className="center"><button type="button" className="btn" disabled={loading} onClick={() => openCollection(collection, cursor)}>{t("LoadMore")}</button></div>}
        </section>
      </div>
      )}
    </Modal>
  );
}
