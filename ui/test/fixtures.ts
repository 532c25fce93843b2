/** Node configs shaped like GET /node/configs answers, and a flow in the reference's exported format. */
import type { NodeConfig } from "../src/model/types";

const GPT_MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-nano", "gpt-4.1-mini", "gpt-4.1"];
const SEARCH_MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini"];

export const inputText: NodeConfig = {
  nodeName: "Text", processorType: "input-text", icon: "AiOutlineEdit", section: "input", outputType: "text",
  defaultHideOutput: true, fields: [{ name: "inputText", type: "textarea", required: true, placeholder: "InputPlaceholder" }],
};

export const llmPrompt: NodeConfig = {
  nodeName: "LLMPrompt", processorType: "llm-prompt", icon: "OpenAILogo", section: "models", outputType: "markdown",
  showHandlesNames: true, inputNames: ["prompt", "context"],
  fields: [
    { name: "model", type: "select", options: GPT_MODELS.map((m) => ({ label: m, value: m, default: m === "gpt-4.1-mini" })) },
    { name: "context", type: "textfield", hasHandle: true },
    { name: "prompt", type: "textarea", required: true, hasHandle: true },
    { name: "web_search", type: "boolean", defaultValue: false, condition: { field: "model", operator: "in", value: SEARCH_MODELS } },
    {
      name: "search_context_size", type: "select",
      options: [{ label: "Low", value: "low" }, { label: "Medium", value: "medium", default: true }, { label: "High", value: "high" }],
      condition: { logic: "AND", conditions: [{ field: "model", operator: "in", value: SEARCH_MODELS }, { field: "web_search", operator: "equals", value: true }] },
    },
    { name: "af_node_version", type: "nonRendered", hidden: true, defaultValue: 2 },
  ],
};

export const merger: NodeConfig = {
  nodeName: "MergerNode", processorType: "merger-prompt", section: "tools", outputType: "markdown", hasInputHandle: true,
  inputNames: ["input-1", "input-2"],
  fields: [
    { name: "mergeMode", type: "option", hidden: true, options: [{ label: "Merge", value: "1" }, { label: "Merge + GPT", value: "2", default: true }] },
    { name: "inputNameBar", type: "inputNameBar", associatedField: "prompt" },
    { name: "prompt", type: "textarea", required: true },
  ],
};

export const gptVision: NodeConfig = {
  nodeName: "GPT Vision", processorType: "gpt-vision", section: "models", outputType: "markdown", hasInputHandle: true,
  showHandlesNames: true, inputNames: ["image_url", "prompt"],
  fields: [
    { name: "prompt", type: "textarea", required: true, hasHandle: true },
    { name: "image_url", type: "fileUpload", required: true, hasHandle: true, canAddChildrenFields: true },
  ],
};

export const display: NodeConfig = { nodeName: "Display", processorType: "display", section: "tools", outputType: "markdown", hasInputHandle: true, fields: [] };

export const allConfigs = [inputText, llmPrompt, merger, gptVision, display];
export const lookup = (type: string) => allConfigs.find((c) => c.processorType === type);

/** A flow as the reference editor's "Download" writes it. */
export const referenceExport = [
  {
    name: "kbk1proh1#input-text", processorType: "input-text", inputText: "Tell me about cats",
    appearance: { color: "firebrick" }, outputData: "Tell me about cats", lastRun: "2025-05-01T10:00:00.000Z", isDone: true,
    inputs: [],
    config: { fields: inputText.fields, nodeName: "Text", outputType: "text" },
    x: 100, y: 200,
  },
  {
    name: "3jexlwros#llm-prompt", processorType: "llm-prompt", model: "gpt-4o", prompt: "", context: "be brief",
    web_search: false, search_context_size: "medium", af_node_version: 2,
    inputs: [{ inputName: "prompt", inputNode: "kbk1proh1#input-text", inputNodeOutputKey: 0 }],
    config: {
      fields: llmPrompt.fields, nodeName: "LLMPrompt", inputNames: ["model", "context", "prompt", "web_search", "search_context_size", "af_node_version"],
      outputType: "markdown", showHandlesNames: true,
    },
    x: 600, y: 150,
  },
  {
    name: "z9q8w7e6r#merger-prompt", processorType: "merger-prompt", mergeMode: "2", prompt: "${input-1} and ${input-2}",
    inputs: [
      { inputName: "input-1", inputNode: "kbk1proh1#input-text", inputNodeOutputKey: 0 },
      { inputName: "input-2", inputNode: "3jexlwros#llm-prompt", inputNodeOutputKey: 0 },
    ],
    config: { fields: merger.fields, nodeName: "MergerNode", inputNames: ["input-1", "input-2"], hasInputHandle: true, outputType: "markdown" },
    x: 1100, y: 200,
  },
];
