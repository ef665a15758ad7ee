import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";

import { findFont, renderReport, resvgOptions } from "../../src/report/index.ts";
import { commonExampleViews } from "../../src/report/figures.ts";
import { PAPER_LIKE_SUITE, suiteTables } from "./fixtures.ts";

const { files } = await renderReport(await suiteTables(PAPER_LIKE_SUITE));
const file = (path: string) => {
  const f = files.find((x) => x.path === path);
  if (f === undefined) throw new Error(`${path} was not rendered`);
  return f.bytes;
};
const text = (path: string) => new TextDecoder().decode(file(path));

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Width and height from a PNG's IHDR chunk, which follows the signature. */
const pngSize = (png: Uint8Array) => {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
};

const FIGURES = ["fig2-residuals", "fig3-posteriors", "fig4-sigma", "fig5-percentiles"];

describe("report files", () => {
  it("are Table 2 in Markdown and CSV and four figures in SVG and PNG", () => {
    expect(files.map((f) => f.path).sort()).toEqual(
      ["table2.csv", "table2.md", ...FIGURES.flatMap((f) => [`${f}.svg`, `${f}.png`])].sort(),
    );
  });

  it("leave out a figure whose table is not given", async () => {
    const tables = await suiteTables(PAPER_LIKE_SUITE.slice(0, 2), 100);
    const partial = await renderReport({ table2: tables.table2, rhat: tables.rhat });
    expect(partial.files.map((f) => f.path)).toEqual([
      "table2.md",
      "table2.csv",
      "fig5-percentiles.svg",
      "fig5-percentiles.png",
    ]);
  });
});

describe("SVG figures", () => {
  it.each(FIGURES)("%s parses as SVG", (name) => {
    const svg = text(`${name}.svg`);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(new Resvg(svg).width).toBeGreaterThan(300);
  });

  it.each([
    ["fig2-residuals", "residual ε = E[m] − m_true (dex)", "density (1/dex)"],
    ["fig3-posteriors", "m = log10 M200c (dex)", "posterior density (1/dex)"],
    ["fig4-sigma", "m_true (dex)", "posterior σ (dex)"],
    ["fig5-percentiles", "predictive percentile r", "empirical percentile r̂(r)"],
  ])("%s has its axis titles", (name, x, y) => {
    const svg = text(`${name}.svg`);
    expect(svg).toContain(`>${x}</text>`);
    expect(svg).toContain(`>${y}</text>`);
  });

  it("show a panel for every model", () => {
    const svg = text("fig5-percentiles.svg");
    for (const m of PAPER_LIKE_SUITE) expect(svg).toContain(`>${m.name}</text>`);
  });
});

describe("PNG figures", () => {
  it.each(FIGURES)("%s is a PNG twice the size of its SVG", (name) => {
    const png = file(`${name}.png`);
    expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    const svg = new Resvg(text(`${name}.svg`));
    expect(pngSize(png)).toEqual({ width: 2 * svg.width, height: 2 * svg.height });
  });

  it("draw text with the font found on the system", () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30">' +
      '<text x="5" y="20" font-family="sans-serif" font-size="16">σ_ε (dex)</text></svg>';
    const withFont = new Resvg(svg, resvgOptions(findFont(), 1)).render();
    const noFont = new Resvg(svg, {
      ...resvgOptions({ files: [], family: "none" }, 1),
      font: { loadSystemFonts: false },
    }).render();
    const inked = (pixels: Buffer) => {
      let dark = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) dark++;
      return dark;
    };
    expect(inked(withFont.pixels)).toBeGreaterThan(50);
    expect(inked(noFont.pixels)).toBe(0);
  });
});

describe("Figure 3 clusters", () => {
  it("are the views that the most models picked", () => {
    const row = (model: string, view_id: number) => ({ model, view_id, m_true: 14, m: 14 });
    const examples = [row("1DGauss", 7), row("1DGauss", 3), row("2DGauss", 3), row("2DGauss", 9)];
    expect(commonExampleViews(examples, 2)).toEqual([3, 7]);
  });
});
