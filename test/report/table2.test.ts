import { describe, expect, it } from "vitest";

import { PAPER_TABLE2, table2Csv, table2Markdown } from "../../src/report/index.ts";
import { toRecords } from "../../src/report/records.ts";
import { PAPER_LIKE_SUITE, suiteTables } from "./fixtures.ts";

const summary = toRecords((await suiteTables(PAPER_LIKE_SUITE)).table2);
const markdown = table2Markdown(summary);
const lines = markdown.split("\n");
const cells = (line: string) =>
  line
    .split("|")
    .slice(1, -1)
    .map((c) => c.trim());

describe("paper's Table 2", () => {
  it("holds the twelve models of the paper", () => {
    expect(PAPER_TABLE2).toHaveLength(12);
    expect(PAPER_TABLE2.find((r) => r.model === "2DGauss-d")?.sigmaEps).toBe(0.123);
  });
});

describe("Table 2 as Markdown", () => {
  it("has a row of our values for every model, the baseline included", () => {
    for (const r of summary) {
      expect(lines.some((l) => l.startsWith(`| ${r.model} | ours |`))).toBe(true);
    }
  });

  it("follows each of the paper's models with the paper's values", () => {
    const at = lines.findIndex((l) => l.startsWith("| 1DPoint | ours |"));
    expect(cells(lines[at + 1])).toEqual([
      "",
      "paper",
      "",
      "-0.032",
      "0.167",
      "0.168",
      "0.172",
      "0.427",
      "0.758",
      "0.032",
      "0.425",
      "0.697",
      "0.919",
    ]);
  });

  it("gives ours minus the paper's, with its sign", () => {
    const at = lines.findIndex((l) => l.startsWith("| 2DPoint | ours |"));
    const ours = Number(cells(lines[at])[6]);
    const diff = cells(lines[at + 2])[6];
    expect(cells(lines[at + 2])[1]).toBe("ours − paper");
    expect(Number(diff)).toBeCloseTo(ours - 0.138, 2);
    expect(diff).toMatch(/^[+-]?\d\.\d{3}$/);
  });

  it("has no paper row for a model the paper did not run", () => {
    const at = lines.findIndex((l) => l.startsWith("| M-sigma | ours |"));
    expect(lines[at + 1]).not.toContain("paper");
  });

  it("lists the paper's models that were not run", () => {
    expect(markdown).toContain("Not run here: 1DPoint-d, 1DGauss-d, 1DClass-d, 2DPoint-d");
  });
});

describe("Table 2 as CSV", () => {
  const rows = table2Csv(summary)
    .trim()
    .split("\n")
    .map((l) => l.split(","));

  it("has one row per model and the same number of cells in every row", () => {
    expect(rows).toHaveLength(summary.length + 1);
    expect(new Set(rows.map((r) => r.length))).toEqual(new Set([2 + 3 * 10]));
  });

  it("gives our value, the paper's and the difference for each metric", () => {
    const [header] = rows;
    const gauss = rows.find((r) => r[0] === "1DGauss") ?? [];
    const col = (name: string) => Number(gauss[header.indexOf(name)]);
    expect(col("sigma_eps_paper")).toBe(0.173);
    expect(col("sigma_eps_diff")).toBeCloseTo(col("sigma_eps") - 0.173, 6);
  });

  it("leaves the paper's columns empty for the baseline", () => {
    const [header] = rows;
    const baseline = rows.find((r) => r[0] === "M-sigma") ?? [];
    expect(baseline[header.indexOf("epr_5_95_paper")]).toBe("");
    expect(Number(baseline[header.indexOf("epr_5_95")])).toBeGreaterThan(0.8);
  });
});
