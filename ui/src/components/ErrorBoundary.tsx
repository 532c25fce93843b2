/** Keeps a rendering failure inside the flow area, with a reload button. */
import { Component, type ReactNode } from "react";
import { translate } from "../i18n";
import { usePrefs } from "../store/prefs";

export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error) {
    console.error("flow view failed", error);
  }

  render() {
    if (!this.state.error) return this.props.children;
    const language = usePrefs.getState().language;
    return (
      <div className="crash">
        <p>{translate(language, "SomethingWentWrong")}</p>
        <code className="muted small">{this.state.error.message}</code>
        <button type="button" className="btn primary" onClick={() => window.location.reload()}>{translate(language, "Reload")}</button>
      </div>
    );
  }
}
