import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { flowsApi } from "../src/api/flowsApi";
import { deleteOnServer, openFromServer, renameOnServer, savedFlowOf, saveToServer } from "../src/components/flowLibrary";
import { emptyTab, selectCurrentTab, useFlow } from "../src/store/flowStore";
import { allConfigs } from "./fixtures";

const s = () => useFlow.getState();
const tab = () => selectCurrentTab(s());
const realFetch = globalThis.fetch;

interface Saved { id: string; name: string; createdAt: string; updatedAt: string; versions: { version: number; createdAt: string; flow: unknown }[] }

/** The flow library of run-api.md, held in memory behind fetch (problem+json errors, 204 on delete). */
class FakeLibrary {
  flows = new Map<string, Saved>();
  calls: string[] = [];
  private clock = 0;
  private now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, this.clock++)).toISOString();

  private summary(f: Saved) {
    return { id: f.id, name: f.name, createdAt: f.createdAt, updatedAt: f.updatedAt, latestVersion: f.versions.length };
  }
  private detail(f: Saved, version = f.versions.length) {
    const v = f.versions[version - 1];
    return { ...this.summary(f), version, flow: v.flow, inputs: [], outputs: [], versions: f.versions.map(({ version, createdAt }) => ({ version, createdAt })) };
  }
  private answer(status: number, body?: unknown) {
    const type = status >= 400 ? "application/problem+json" : "application/json";
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": type } });
  }
  private problem(status: number, detail: string) {
    return this.answer(status, { type: "about:blank", title: status === 404 ? "Not Found" : "Unprocessable", status, detail });
  }

  fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), "http://editor.test");
    const method = init?.method ?? "GET";
    this.calls.push(`${method} ${url.pathname}${url.search}`);
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const [, id] = url.pathname.match(/^\/api\/v1\/flows(?:\/([^/]+))?$/) ?? [];
    if (!url.pathname.startsWith("/api/v1/flows")) return this.problem(404, "no such route");
    if (!id) {
      if (method === "GET") return this.answer(200, { flows: [...this.flows.values()].map((f) => this.summary(f)), nextCursor: null });
      if (!body?.name || !Array.isArray(body.flow)) return this.problem(422, "name and flow are required");
      const at = this.now();
      const saved: Saved = { id: `f${this.flows.size + 1}`, name: body.name, createdAt: at, updatedAt: at, versions: [{ version: 1, createdAt: at, flow: body.flow }] };
      this.flows.set(saved.id, saved);
      return this.answer(201, this.detail(saved));
    }
    const saved = this.flows.get(decodeURIComponent(id));
    if (!saved) return this.problem(404, `no saved flow '${id}'`);
    if (method === "GET") {
      const version = Number(url.searchParams.get("version") ?? saved.versions.length);
      return saved.versions[version - 1] ? this.answer(200, this.detail(saved, version)) : this.problem(404, `no version ${version}`);
    }
    if (method === "PUT") {
      const at = this.now();
      saved.versions.push({ version: saved.versions.length + 1, createdAt: at, flow: body.flow });
      saved.updatedAt = at;
      if (body.name) saved.name = body.name;
      return this.answer(200, this.detail(saved));
    }
    if (method === "PATCH") {
      saved.name = body.name;
      return this.answer(200, this.summary(saved));
    }
    this.flows.delete(saved.id);
    return this.answer(204);
  };
}

let server: FakeLibrary;

beforeEach(() => {
  useFlow.setState({ tabs: [emptyTab({ name: "Poems" })], current: 0, history: {}, runs: {}, clipboard: null, selectedNodeId: null });
  s().setConfigs(allConfigs);
  server = new FakeLibrary();
  globalThis.fetch = server.fetch as typeof fetch;
});

afterEach(() => {
  globalThis.fetch = realFetch;
});

function build(text: string): [string, string] {
  const a = s().addNode("input-text", { x: 10, y: 20 }, { data: { inputText: text } });
  const b = s().addNode("llm-prompt", { x: 400, y: 20 }, { data: { prompt: "Write" } });
  s().connect({ source: a, target: b, sourceHandle: "handle-out-0", targetHandle: "handle-in-1" });
  return [a, b];
}

describe("the flow library client", () => {
  it("saves the flow without outputs or run marks, with positions and links", () => {
    const [a, b] = build("hi");
    s().updateNodeData(b, { outputData: "an answer", isDone: true, lastRun: "2026-01-01T00:00:00Z" }, false);
    const flow = savedFlowOf(tab().nodes, tab().edges);
    expect(flow.map((n) => n.name)).toEqual([a, b]);
    expect(flow[1]).not.toHaveProperty("outputData");
    expect(flow[1]).not.toHaveProperty("isDone");
    expect(flow[1]).toMatchObject({ x: 400, y: 20, inputs: [{ inputNode: a, inputNodeOutputKey: 0, inputName: "context" }] });
  });

  it("first save creates the flow and links the tab; the next saves add versions", async () => {
    const [a] = build("first");
    expect(await saveToServer()).toEqual({ id: "f1", version: 1, name: "Poems" });
    expect(tab().serverFlow).toEqual({ id: "f1", version: 1, name: "Poems" });
    s().setFieldValue(a, "inputText", "second");
    expect(await saveToServer()).toMatchObject({ id: "f1", version: 2 });
    expect(server.calls).toEqual(["POST /api/v1/flows", "PUT /api/v1/flows/f1"]);
    expect(server.flows.get("f1")!.versions).toHaveLength(2);
    expect(tab().serverFlow?.version).toBe(2);
  });

  it("names an unnamed tab after the flow it is saved as", async () => {
    useFlow.setState({ tabs: [emptyTab()], current: 0 });
    build("x");
    const ref = await saveToServer();
    expect(ref.name).toBe("Flow 1");
    expect(tab().metadata.name).toBe("Flow 1");
  });

  it("opens version 1 in a new tab: the old flow, linked to its saved flow", async () => {
    const [a] = build("first");
    await saveToServer();
    s().setFieldValue(a, "inputText", "second");
    await saveToServer();
    const opened = await openFromServer("f1", 1);
    expect(s().tabs).toHaveLength(2);
    expect(tab().id).toBe(opened.id);
    expect(tab().nodes.find((n) => n.id === a)!.data.inputText).toBe("first");
    expect(tab().edges).toHaveLength(1);
    expect(tab().serverFlow).toEqual({ id: "f1", version: 1, name: "Poems" });
    expect(tab().metadata.name).toBe("Poems (v1)");
    await openFromServer("f1");
    expect(tab().nodes.find((n) => n.id === a)!.data.inputText).toBe("second");
    expect(tab().metadata.name).toBe("Poems");
  });

  it("lists, renames (linked tabs follow) and deletes (linked tabs are unlinked)", async () => {
    build("x");
    await saveToServer();
    const page = await flowsApi.list();
    expect(page.flows).toEqual([expect.objectContaining({ id: "f1", name: "Poems", latestVersion: 1 })]);
    await renameOnServer("f1", "Haikus");
    expect(tab().serverFlow?.name).toBe("Haikus");
    await deleteOnServer("f1");
    expect(server.flows.size).toBe(0);
    expect(tab().serverFlow).toBeUndefined();
    expect(tab().nodes).toHaveLength(2);
  });

  it("a save of a flow deleted on the server creates it again", async () => {
    build("x");
    await saveToServer();
    server.flows.clear();
    const ref = await saveToServer();
    expect(ref.version).toBe(1);
    expect(server.calls.slice(-2)).toEqual(["PUT /api/v1/flows/f1", "POST /api/v1/flows"]);
  });

  it("reports the server's problem (e.g. 422) and leaves the tab unlinked", async () => {
    await expect(saveToServer()).resolves.toBeDefined(); // an empty flow is a list too
    useFlow.setState({ tabs: [emptyTab({ name: "" })], current: 0 });
    globalThis.fetch = (async () => new Response(JSON.stringify({ title: "Unprocessable", status: 422, detail: "flow: too large" }), { status: 422 })) as typeof fetch;
    await expect(saveToServer()).rejects.toThrow("flow: too large");
    expect(tab().serverFlow).toBeUndefined();
  });
});
