/** Shared types: node configs as served by GET /node/configs, node data, tabs and run state. */

export type FieldType =
  | "boolean" | "dictionnary" | "fileUpload" | "imageMaskCreator" | "input" | "inputInt" | "inputNameBar"
  | "json" | "list" | "nonRendered" | "numericfield" | "option" | "select" | "slider" | "switch"
  | "textToDisplay" | "textarea" | "textfield";

export type Operator =
  | "equals" | "not equals" | "in" | "not in" | "greater than" | "less than" | "exists" | "not exists";

export type OutputType =
  | "3dUrl" | "audioUrl" | "fileUrl" | "imageBase64" | "imageUrl" | "markdown" | "pdfUrl" | "text" | "videoUrl";

export type Section = "input" | "models" | "tools" | "image-generation";

export interface Option {
  label?: string | null;
  value?: string | null;
  default?: boolean | null;
}

export interface Condition {
  field: string;
  operator: Operator;
  value?: unknown;
}

export interface ConditionGroup {
  logic?: "AND" | "OR";
  conditions: (Condition | ConditionGroup)[];
}

export interface Field {
  name: string;
  type: FieldType | string;
  label?: string | null;
  description?: string | null;
  placeholder?: string | null;
  defaultValue?: unknown;
  required?: boolean | null;
  hasHandle?: boolean | null;
  hidden?: boolean | null;
  hideIfParent?: boolean | null;
  isBinary?: boolean | null;
  isChild?: boolean | null;
  isLinked?: boolean | null;
  allowDecimal?: boolean | null;
  associatedField?: string | null;
  canAddChildrenFields?: boolean | null;
  withModalEdit?: boolean | null;
  condition?: Condition | ConditionGroup | null;
  options?: Option[] | null;
  min?: number | null;
  max?: number | null;
  step?: number | null;
}

export interface NodeConfig {
  nodeName: string;
  processorType?: string | null;
  icon?: string | null;
  section?: Section | null;
  helpMessage?: string | null;
  outputType?: OutputType | null;
  fields: Field[];
  inputNames?: string[] | null;
  hasInputHandle?: boolean | null;
  showHandlesNames?: boolean | null;
  isBeta?: boolean | null;
  isNew?: boolean | null;
  defaultHideOutput?: boolean | null;
  isDynamicallyGenerated?: boolean | null;
  hideFieldsIfParent?: boolean | null;
  keywords?: string[] | null;
}

export interface SubConfiguration {
  discriminators: Record<string, unknown>;
  config: NodeConfig;
}

export interface NodeConfigVariant extends Omit<NodeConfig, "fields"> {
  discriminatorFields: string[];
  subConfigurations: SubConfiguration[];
  fields?: Field[];
}

/** data of a canvas node: identity, config, field values at the top level, outputs, appearance. */
export interface NodeData extends Record<string, unknown> {
  name: string;
  processorType: string;
  config: NodeConfig;
  variantConfig?: NodeConfigVariant;
  outputData?: unknown;
  lastRun?: string;
  isDone?: boolean;
  missingFields?: string[];
  appearance?: { color?: string; customName?: string; fontSize?: number };
  handles?: Record<string, string>;
}

export interface FlowNode {
  id: string;
  type: string;
  position: { x: number; y: number };
  data: NodeData;
  selected?: boolean;
  width?: number;
  height?: number;
  measured?: { width?: number; height?: number };
  style?: Record<string, unknown>;
  dragging?: boolean;
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
  type?: string;
  selected?: boolean;
  data?: Record<string, unknown>;
}

export interface FlowMetadata extends Record<string, unknown> {
  version?: string;
  name?: string;
}

/** `waiting`: started, but waiting for a provider slot (the server's `progress` with `queued: true`). */
export type NodeStatus = "idle" | "queued" | "waiting" | "running" | "done" | "failed" | "cancelled" | "skipped";

export interface NodeRunState {
  status: NodeStatus;
  runId?: string;
  startedAt?: number;
  duration?: number;
  error?: string;
  /** text streamed so far while the node runs (kept when the run is stopped: the partial output) */
  stream?: string;
  /** the output was served from the server's output cache, computed at `cachedAt` (ISO time) */
  cached?: boolean;
  cachedAt?: string;
}

/** The saved flow (flow library on the server) a tab was saved to or opened from. */
export interface ServerFlowRef {
  id: string;
  version: number;
  name: string;
}

export interface FlowTab {
  id: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
  metadata: FlowMetadata;
  runState?: Record<string, NodeRunState>;
  serverFlow?: ServerFlowRef;
}

/** one node object of the serialised flow (reference "jsonFile" / export format). */
export interface SerializedInput {
  inputNode: string;
  inputNodeOutputKey?: number;
  inputName?: string;
}

export interface SerializedNode extends Record<string, unknown> {
  name: string;
  processorType: string;
  inputs: SerializedInput[];
  config?: Partial<NodeConfig>;
  x?: number;
  y?: number;
}

/** What the editor needs of a run from GET /api/v1/runs/{id}. */
export interface PastRun {
  id: string;
  endedAt?: string | null;
  nodes: { name: string; status: string; duration?: number | null; output?: unknown; error?: string | null; cached?: boolean }[];
  outputs?: Record<string, unknown>;
}
