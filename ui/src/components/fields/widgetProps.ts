/** What every field widget takes, and the class that keeps the canvas from dragging or zooming over it. */
import type { Field } from "../../model/types";

export interface WidgetProps {
  field: Field;
  value: unknown;
  onChange: (value: unknown) => void;
  nodeId: string;
  data: Record<string, unknown>;
  inputNames?: string[];
  onInputNames?: (names: string[]) => void;
  onAppend?: (field: string, text: string) => void;
}

export const NO_CANVAS = "nodrag nowheel";
