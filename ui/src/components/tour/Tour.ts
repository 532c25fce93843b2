/** The guided tour (driver.js): seven steps on the editor's own elements, skippable at every step. Steps whose
 *  element is not on screen (a closed palette on a phone, an empty canvas) are left out. Done or skipped, the flag
 *  is set and the tour is not shown again, in this tab or another one. */
import "driver.js/dist/driver.css";
import "../../i18n/helpTexts";
import "./tour.css";
import { driver, type DriveStep, type Driver, type PopoverDOM } from "driver.js";
import { translate } from "../../i18n";
import { usePrefs } from "../../store/prefs";
import { markTour, TOUR_KEY, type TourEnd } from "./tourFlag";

interface StepSpec {
  /** the element shown (the first of them on screen); none: a centred step */
  target?: string;
  title: string;
  text: string;
  side?: "top" | "right" | "bottom" | "left";
}

// The reference's hooks (its react-joyride tour): palette, a node's play button, handles, Run all, Replicate, settings.
const STEPS: StepSpec[] = [
  { title: "TourWelcomeTitle", text: "TourWelcomeText" },
  { target: "#dnd-sidebar", title: "TourPaletteTitle", text: "TourPaletteText", side: "right" },
  { target: ".react-flow__node .node-play-button", title: "TourRunTitle", text: "TourRunText", side: "bottom" },
  { target: ".react-flow__node .handle", title: "TourHandlesTitle", text: "TourHandlesText", side: "right" },
  { target: "#run-all-button", title: "TourRunAllTitle", text: "TourRunAllText", side: "bottom" },
  { target: "#replicate", title: "TourReplicateTitle", text: "TourReplicateText", side: "right" },
  { target: ".config-button", title: "TourSettingsTitle", text: "TourSettingsText", side: "left" },
];

/** The id of a step's popover: the reference's e2e test looks for `#react-joyride-step-0`. */
export function stepId(index: number): string {
  return `react-joyride-step-${index}`;
}

/** The first element matching `selector` that is on screen and not covered by something else. */
function onScreen(selector: string): Element | undefined {
  for (const element of document.querySelectorAll(selector)) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const x = box.left + box.width / 2;
    const y = box.top + box.height / 2;
    if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) continue;
    const top = document.elementFromPoint(x, y);
    if (top && (element.contains(top) || top.contains(element))) return element;
  }
  return undefined;
}

/** Resolves once no dialog is on screen (the help popup closes before "Take the tour" starts it). */
function noDialog(): Promise<void> {
  return new Promise((resolve) => {
    const since = Date.now();
    const check = () => (!document.querySelector(".modal-backdrop") || Date.now() - since > 2000 ? resolve() : requestAnimationFrame(check));
    check();
  });
}

let active: Driver | null = null;

/** Take the tour off the page (its popover, overlay and listeners). */
function close(): void {
  window.removeEventListener("storage", onStorage);
  const tour = active;
  active = null;
  tour?.destroy();
}

function end(how: TourEnd): void {
  markTour(how);
  close();
}

/** Another tab finished or skipped the tour: it goes away here too. */
function onStorage(event: StorageEvent): void {
  if (event.key === TOUR_KEY && event.newValue !== null) close();
}

function decorate(popover: PopoverDOM, index: number): void {
  const t = (key: string) => translate(usePrefs.getState().language, key);
  popover.wrapper.id = stepId(index);
  popover.wrapper.dataset.testid = "tour-step";
  popover.wrapper.dataset.step = String(index);
  const skip = document.createElement("button");
  skip.type = "button";
  skip.className = "tour-skip";
  skip.dataset.testid = "tour-skip";
  skip.textContent = t(index === 0 ? "TourKnowApp" : "TourSkip");
  skip.addEventListener("click", () => end("skipped"));
  popover.footer.prepend(skip);
}

export async function runTour(): Promise<void> {
  if (active) return;
  await noDialog();
  if (active) return;
  const t = (key: string) => translate(usePrefs.getState().language, key);
  const steps: DriveStep[] = STEPS.flatMap((spec, index) => {
    const element = spec.target ? onScreen(spec.target) : undefined;
    if (spec.target && !element) return [];
    const step: DriveStep = {
      element,
      popover: { title: t(spec.title), description: t(spec.text), side: spec.side, align: "start" },
    };
    if (index === 0) step.popover = { ...step.popover, nextBtnText: t("TourStart"), showButtons: ["next", "close"] };
    return [step];
  });
  const tour = driver({
    steps,
    animate: false,  // animated moves let a quick Next leave the previous element marked as shown
    showProgress: true,
    progressText: t("TourProgress"),
    nextBtnText: t("TourNext"),
    prevBtnText: t("TourBack"),
    doneBtnText: t("TourDone"),
    popoverClass: "aiflow-tour",
    stagePadding: 6,
    overlayOpacity: 0.55,
    overlayClickBehavior: () => {},  // a stray click does not end the tour: its buttons, × and Esc do
    onPopoverRender: (popover, { state }) => decorate(popover, state.activeIndex ?? 0),
    onHighlighted: (element, _step, { state }) => element?.setAttribute("aria-controls", stepId(state.activeIndex ?? 0)),
    onDoneClick: () => end("done"),
    onDestroyStarted: () => end("skipped"),  // × or Esc
  });
  active = tour;
  window.addEventListener("storage", onStorage);
  tour.drive();
}
