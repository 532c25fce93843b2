import { describe, expect, it } from "vitest";
import { deserializeFlow, edgeToInput, serializeFlow, topologicalSort } from "../src/model/flowJson";
import { addChildField, effectiveInputNames, removeChildField } from "../src/model/fields";
import type { FlowNode } from "../src/model/types";
import { gptVision, lookup, referenceExport } from "./fixtures";

const n = (id: string) => ({ id });
const e = (source: string, target: string) => ({ source, target });

describe("topologicalSort", () => {
  it("keeps a chain in order, includes disconnected nodes, handles empty input", () => {
    expect(topologicalSort([n("c"), n("b"), n("a")], [e("a", "b"), e("b", "c")]).map((x) => x.id)).toEqual(["a", "b", "c"]);
    expect(topologicalSort([n("x"), n("a"), n("b")], [e("a", "b")]).map((x) => x.id)).toEqual(["x", "a", "b"]);
    expect(topologicalSort([], [])).toEqual([]);
  });

  it("still lists every node when there is a cycle", () => {
    expect(topologicalSort([n("a"), n("b"), n("c")], [e("a", "b"), e("b", "a")]).map((x) => x.id).sort()).toEqual(["a", "b", "c"]);
  });
});

describe("import of the reference's exported format", () => {
  const { nodes, edges } = deserializeFlow(referenceExport, lookup);

  it("makes one node per object, named and typed as in the file", () => {
    expect(nodes.map((x) => [x.id, x.type, x.position])).toEqual([
      ["kbk1proh1#input-text", "input-text", { x: 100, y: 200 }],
      ["3jexlwros#llm-prompt", "llm-prompt", { x: 600, y: 150 }],
      ["z9q8w7e6r#merger-prompt", "merger-prompt", { x: 1100, y: 200 }],
    ]);
    const llm = nodes[1].data;
    expect(llm.name).toBe("3jexlwros#llm-prompt");
    expect(llm.model).toBe("gpt-4o");
    expect(llm.context).toBe("be brief");
    expect(llm.config.icon).toBe("OpenAILogo"); // registry keys kept, file essentials on top
    expect(nodes[0].data.outputData).toBe("Tell me about cats");
    expect(nodes[0].data).not.toHaveProperty("inputs");
    expect(nodes[0].data).not.toHaveProperty("x");
  });

  it("rebuilds edges with handles from the input names", () => {
    expect(edges).toEqual([
      { id: "kbk1proh1#input-text-to-3jexlwros#llm-prompt", source: "kbk1proh1#input-text", target: "3jexlwros#llm-prompt", type: "buttonedge", sourceHandle: "handle-out-0", targetHandle: "handle-in-2" },
      { id: "kbk1proh1#input-text-to-z9q8w7e6r#merger-prompt", source: "kbk1proh1#input-text", target: "z9q8w7e6r#merger-prompt", type: "buttonedge", sourceHandle: "handle-out-0", targetHandle: "handle-in-0" },
      { id: "3jexlwros#llm-prompt-to-z9q8w7e6r#merger-prompt", source: "3jexlwros#llm-prompt", target: "z9q8w7e6r#merger-prompt", type: "buttonedge", sourceHandle: "handle-out-0", targetHandle: "handle-in-1" },
    ]);
  });

  it("exports back an equivalent flow", () => {
    const exported = JSON.parse(JSON.stringify(serializeFlow(nodes, edges)));
    expect(exported).toEqual(referenceExport);
  });

  it("accepts the legacy input/inputKey format", () => {
    const legacy = [
      { name: "a#input-text", processorType: "input-text", inputText: "hi" },
      { name: "b#display", processorType: "display", input: "a#input-text", inputKey: 0 },
    ];
    const flow = deserializeFlow(legacy, lookup);
    expect(flow.edges).toHaveLength(1);
    expect(serializeFlow(flow.nodes, flow.edges)[1].inputs).toEqual([{ inputNode: "a#input-text", inputNodeOutputKey: 0 }]);
  });

  it("rejects what is not a flow", () => {
    expect(() => deserializeFlow({ foo: 1 }, lookup)).toThrow(/array/);
    expect(() => deserializeFlow([{ processorType: "x" }], lookup)).toThrow(/no name/);
  });
});

describe("serialisation", () => {
  const node = (id: string, type: string, data: Record<string, unknown> = {}, config = lookup(type)!): FlowNode => ({
    id, type, position: { x: 1, y: 2 }, data: { name: id, processorType: type, config, ...data },
  });

  it("takes the output key from the source handle and the input name from the target handle", () => {
    const nodes = [node("s#input-text", "input-text"), node("t#merger-prompt", "merger-prompt")];
    const input = edgeToInput({ id: "x", source: "s#input-text", target: "t#merger-prompt", sourceHandle: "handle-out-1", targetHandle: "handle-in-1" }, nodes);
    expect(input).toEqual({ inputNode: "s#input-text", inputNodeOutputKey: 1, inputName: "input-2" });
  });

  it("leaves inputName out when the target has no input names", () => {
    const nodes = [node("s#input-text", "input-text"), node("d#display", "display")];
    expect(edgeToInput({ id: "x", source: "s#input-text", target: "d#display", sourceHandle: "handle-out-0", targetHandle: "handle-in-0" }, nodes))
      .toEqual({ inputNode: "s#input-text", inputNodeOutputKey: 0 });
  });

  it("writes field values at the top level, config essentials and coordinates, never variantConfig", () => {
    const [out] = serializeFlow([node("s#input-text", "input-text", { inputText: "x", variantConfig: { a: 1 } })], []);
    expect(out).toEqual({
      name: "s#input-text", processorType: "input-text", inputText: "x", inputs: [],
      config: { fields: lookup("input-text")!.fields, nodeName: "Text", outputType: "text" }, x: 1, y: 2,
    });
    expect(serializeFlow([node("s#input-text", "input-text")], [], { withConfig: false, withCoordinates: false })[0])
      .toEqual({ name: "s#input-text", processorType: "input-text", inputs: [] });
  });

  it("maps named handles through the fields whose condition holds", () => {
    const data = { name: "l", processorType: "llm-prompt", config: lookup("llm-prompt")!, model: "o3" };
    expect(effectiveInputNames(data)).toEqual(["model", "context", "prompt", "af_node_version"]);
    expect(effectiveInputNames({ ...data, model: "gpt-4o", web_search: true })).toEqual(
      ["model", "context", "prompt", "web_search", "search_context_size", "af_node_version"]);
  });
});

describe("child fields", () => {
  it("adds contiguous children after the group and renumbers on removal", () => {
    let config = addChildField(gptVision, "image_url");
    config = addChildField(config, "image_url_2");
    expect(config.fields.map((f) => f.name)).toEqual(["prompt", "image_url", "image_url_2", "image_url_3"]);
    expect(config.inputNames).toEqual(["image_url", "image_url_2", "image_url_3", "prompt"]);
    expect(config.fields[2]).toMatchObject({ isChild: true, required: false });
    const removed = removeChildField(config, "image_url_2");
    expect(removed.config.fields.map((f) => f.name)).toEqual(["prompt", "image_url", "image_url_2"]);
    expect(removed.renames).toEqual({ image_url_3: "image_url_2" });
  });
});
