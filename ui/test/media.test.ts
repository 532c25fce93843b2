import { describe, expect, it } from "vitest";
import { formatClock } from "../src/model/format";
import { guessType, modelFormat } from "../src/model/outputType";

describe("media outputs", () => {
  it("guesses the type of audio, video, 3D and PDF URLs", () => {
    expect(guessType("/image/a.webm")).toBe("videoUrl");
    expect(guessType("https://x.test/v.m4v?sig=1")).toBe("videoUrl");
    expect(guessType("/image/a.opus")).toBe("audioUrl");
    expect(guessType("/image/a.aac")).toBe("audioUrl");
    expect(guessType("/image/a.GLB")).toBe("3dUrl");
    expect(guessType("/image/a.pdf#page=2")).toBe("pdfUrl");
  });

  it("picks the OBJ loader for .obj files only", () => {
    expect(modelFormat("/image/cube.obj")).toBe("obj");
    expect(modelFormat("https://x.test/cube.OBJ?x=1")).toBe("obj");
    expect(modelFormat("/image/m.glb")).toBe("gltf");
    expect(modelFormat("/image/m.gltf")).toBe("gltf");
    expect(modelFormat("https://x.test/model")).toBe("gltf");
  });

  it("reads media positions as a clock", () => {
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(7.9)).toBe("0:07");
    expect(formatClock(65)).toBe("1:05");
    expect(formatClock(3723)).toBe("1:02:03");
    expect(formatClock(Number.NaN)).toBe("0:00");
    expect(formatClock(Number.POSITIVE_INFINITY)).toBe("0:00");
  });
});
