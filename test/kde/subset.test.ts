import { describe, expect, it } from "vitest";

import { makeTable } from "../../src/kind/index.ts";
import { subsetRows } from "../../src/nodes/kde/kinds.ts";

const views = makeTable({
  set: ["train", "test", "test", "train", "test"],
  fold: Int32Array.of(0, 0, 1, 1, 1),
  validation: Uint8Array.of(0, 1, 0, 0, 0),
});

describe("KDE subsets", () => {
  it("keeps every view for 'all'", () => {
    expect(subsetRows(views, "all", -1)).toEqual([0, 1, 2, 3, 4]);
  });

  it("keeps the training views and the validation hosts' test views for 'train'", () => {
    expect(subsetRows(views, "train", -1)).toEqual([0, 1, 3]);
  });

  it("keeps the test views of one fold for 'test'", () => {
    expect(subsetRows(views, "test", 1)).toEqual([2, 4]);
    expect(subsetRows(views, "test", -1)).toEqual([1, 2, 4]);
  });
});
