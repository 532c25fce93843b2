/** The guided tour's flag (localStorage `aiflow-tour`): done or skipped, the tour is never shown again. */
import { readString, write } from "../../store/storage";

export const TOUR_KEY = "aiflow-tour";
export type TourEnd = "done" | "skipped";

export function tourSeen(): boolean {
  return readString(TOUR_KEY) !== null;
}

export function markTour(end: TourEnd): void {
  write(TOUR_KEY, end);
}
