/** Copy text, with a fallback outside secure contexts. */
import { translate } from "../../i18n";
import { usePrefs } from "../../store/prefs";
import { toast } from "../../store/toasts";

export async function copyText(text: string): Promise<void> {
  try {
    if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(text);
    else {
      const area = document.createElement("textarea");
      area.value = text;
      area.style.position = "fixed";
      area.style.left = "-9999px";
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    toast.success(translate(usePrefs.getState().language, "CopiedToClipboard"), { duration: 1200 });
  } catch {
    /* clipboard refused */
  }
}
