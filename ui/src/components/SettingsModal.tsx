/** Settings: API keys (this browser only), server app parameters, display (theme, language, minimap, palette). */
import { useState } from "react";
import { emitAppConfig, reconnectSocket } from "../api/socket";
import { humanize, LANGUAGES, translate, useLanguage, useT, type Language } from "../i18n";
import { useFlow } from "../store/flowStore";
import { APP_CONFIG_KEYS, usePrefs, type ParameterSections } from "../store/prefs";
import { toast } from "../store/toasts";
import { Modal } from "./Modal";

const APP_LABELS: Record<string, [string, boolean]> = {
  S3_BUCKET_NAME: ["S3 Bucket Name", false], S3_AWS_ACCESS_KEY_ID: ["S3 Access Key", true],
  S3_AWS_SECRET_ACCESS_KEY: ["S3 Secret Access Key", true], S3_AWS_REGION_NAME: ["S3 AWS Region Name", false],
  S3_ENDPOINT_URL: ["Optional - S3 Endpoint URL", false], REPLICATE_API_KEY: ["Replicate API Key (catalogue)", true],
};

function ApiKeys({ onDone }: { onDone: () => void }) {
  const t = useT();
  const language = useLanguage();
  const stored = usePrefs((s) => s.parameters);
  const [draft, setDraft] = useState<ParameterSections>(structuredClone(stored));
  const set = (section: string, key: string, value: unknown) =>
    setDraft((d) => ({ ...d, [section]: { ...d[section], [key]: { ...d[section][key], value } } }));
  return (
    <form className="settings-form" onSubmit={(e) => {
      e.preventDefault();
      usePrefs.getState().setParameters(draft);
      reconnectSocket();
      toast.success(t("configUpdated"), { duration: 1500 });
      onDone();
    }}>
      <p className="muted small">{t("apiKeysNote")}</p>
      {Object.entries(draft).map(([section, keys]) => (
        <fieldset key={section}>
          <legend>{t(`sections.${section}`)}</legend>
          {Object.entries(keys).map(([key, detail]) => (
            <label key={key} className="setting">
              <span>{t(`parameters.${section}.${key}`) === `parameters.${section}.${key}` ? humanize(language, key) : t(`parameters.${section}.${key}`)}</span>
              {detail.type === "boolean" ? (
                <input type="checkbox" checked={Boolean(detail.value)} onChange={(e) => set(section, key, e.target.checked)} />
              ) : (
                <input className="input" type={detail.value ? "password" : "text"} autoComplete="off" value={String(detail.value ?? "")}
                  placeholder={detail.description ?? ""} data-testid={`setting-${key}`} onChange={(e) => set(section, key, e.target.value)} />
              )}
            </label>
          ))}
        </fieldset>
      ))}
      <div className="modal-actions"><button type="submit" className="btn primary" data-testid="settings-save">{t("Validate")}</button></div>
    </form>
  );
}

function AppParameters() {
  const t = useT();
  const config = usePrefs((s) => s.appConfig);
  const setConfig = usePrefs((s) => s.setAppConfig);
  return (
    <div className="settings-form">
      <p className="muted small">{t("appParametersNote")}</p>
      {APP_CONFIG_KEYS.map((key) => (
        <label key={key} className="setting">
          <span>{APP_LABELS[key][0]}</span>
          <input className="input" type={APP_LABELS[key][1] ? "password" : "text"} autoComplete="off" value={config[key] ?? ""}
            onChange={(e) => setConfig({ ...config, [key]: e.target.value })} />
        </label>
      ))}
      <div className="modal-actions">
        <button type="button" className="btn primary" onClick={() => { if (!emitAppConfig()) toast.error(t("notConnected")); }}>{t("SaveConfiguration")}</button>
      </div>
    </div>
  );
}

function Display() {
  const t = useT();
  const language = useLanguage();
  const prefs = usePrefs();
  const configs = useFlow((s) => s.configs);
  return (
    <div className="settings-form">
      <fieldset>
        <legend>{t("UI")}</legend>
        <label className="setting inline"><span>{t("Theme")}</span>
          <span className="segmented">
            <button type="button" className={prefs.theme === "dark" ? "active" : ""} onClick={() => prefs.setTheme("dark")}>{t("Dark")}</button>
            <button type="button" className={prefs.theme === "light" ? "active" : ""} onClick={() => prefs.setTheme("light")}>{t("Light")}</button>
          </span>
        </label>
        <label className="setting inline"><span>{t("Language")}</span>
          <select className="input select narrow" value={language} onChange={(e) => prefs.setLanguage(e.target.value as Language)} data-testid="language-select">
            {Object.entries(LANGUAGES).map(([code, name]) => <option key={code} value={code}>{name}</option>)}
          </select>
        </label>
        <label className="setting inline"><span>{t("ShowMinimap")}</span>
          <input type="checkbox" checked={prefs.showMinimap} onChange={(e) => prefs.setShowMinimap(e.target.checked)} />
        </label>
      </fieldset>
      <fieldset>
        <legend>{t("NodesShownInPalette")}</legend>
        <div className="node-columns">
          {(["input", "models", "tools"] as const).map((section) => (
            <div key={section}>
              <h4>{t(section)}</h4>
              {Object.values(configs).filter((c) => c.section === section).map((c) => (
                <label key={c.processorType} className="check">
                  <input type="checkbox" checked={!prefs.hiddenNodes.includes(c.processorType!)} onChange={(e) =>
                    prefs.setHiddenNodes(e.target.checked ? prefs.hiddenNodes.filter((h) => h !== c.processorType) : [...prefs.hiddenNodes, c.processorType!])} />
                  {translate(language, c.nodeName)}
                </label>
              ))}
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

export function SettingsModal() {
  const t = useT();
  const tab = usePrefs((s) => s.settingsTab);
  const set = usePrefs((s) => s.set);
  const close = () => set({ modal: null });
  return (
    <Modal title={t("Settings")} onClose={close} wide testId="settings-modal">
      <div className="pills-tabs">
        {(["user", "app", "display"] as const).map((key) => (
          <button type="button" key={key} className={tab === key ? "active" : ""} onClick={() => set({ settingsTab: key })} data-testid={`settings-tab-${key}`}>
            {t(key === "user" ? "userTabLabel" : key === "app" ? "appParametersLabel" : "displayTabLabel")}
          </button>
        ))}
      </div>
      {tab === "user" ? <ApiKeys onDone={close} /> : tab === "app" ? <AppParameters /> : <Display />}
    </Modal>
  );
}
