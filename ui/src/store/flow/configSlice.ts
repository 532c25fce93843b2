/** Slice: the node types' configs, from the server plus the editor's own special nodes. */
import type { NodeConfig } from "../../model/types";
import type { ConfigSlice, FlowSlice } from "./types";

/** Fallback configs of the nodes the editor draws with components of their own (reference-ui §2.7). */
export const SPECIAL_CONFIGS: NodeConfig[] = [
  { nodeName: "File", processorType: "file", icon: "FaFile", section: "input", helpMessage: "fileUploadHelp", fields: [], outputType: undefined },
  { nodeName: "AiDataSplitter", processorType: "ai-data-splitter", icon: "FiScissors", section: "tools", helpMessage: "dataSplitterHelp", fields: [], hasInputHandle: true },
  { nodeName: "ReplicateModel", processorType: "replicate", icon: "ReplicateLogo", section: "models", helpMessage: "replicateHelp", fields: [] },
  { nodeName: "Transition", processorType: "transition", icon: "MdOutlineDoubleArrow", section: "tools", helpMessage: "transitionHelp", fields: [], hasInputHandle: true, outputType: "text" },
  { nodeName: "Display", processorType: "display", icon: "FiMonitor", section: "tools", helpMessage: "displayHelp", fields: [], hasInputHandle: true, outputType: "markdown" },
];

export const createConfigSlice: FlowSlice<ConfigSlice> = (set, get) => ({
  configs: {},
  setConfigs: (configs) => {
    const map: Record<string, NodeConfig> = {};
    for (const config of SPECIAL_CONFIGS) map[config.processorType!] = config;
    for (const config of configs) if (config.processorType) map[config.processorType] = config;
    set({ configs: map });
  },
  configFor: (type) => get().configs[type],
});
