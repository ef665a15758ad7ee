import { Schema } from "effect";
import { describe, expect, it } from "vitest";

import {
  checkTable,
  f64,
  i32,
  i64,
  type NodeKind,
  Rng,
  type Table,
  utf8,
} from "../../src/kind/index.ts";
import { observeCalibration, CALIBRATION } from "../../src/nodes/observe/calibrationKind.ts";
import {
  AXIS_VIEWS,
  observeAxisViews,
  observeCylinders,
  VIEW_COUNTS,
} from "../../src/nodes/observe/cylinderKinds.ts";
import { MEMBERS } from "../../src/nodes/schemas.ts";
import { universeBox } from "../../src/nodes/universe/boxKind.ts";

/** Runs a kind the way the runtime does: decoded params, its own generator. */
const run = async (
  kind: NodeKind,
  params: Record<string, unknown>,
  inputs: Record<string, Table | Table[]>,
): Promise<Record<string, Table>> =>
  kind.run({
    params: Schema.decodeUnknownSync(kind.params)(params),
    inputs,
    inputIds: {},
    rng: new Rng(`${kind.name}`),
    nodeId: kind.name,
    progress: () => {},
    note: () => {},
  });

const boxSize = 64;
const universe = await run(universeBox, { boxSize, grid: 32, box: 0 }, {});
const { views } = await run(observeAxisViews, {}, { halos: universe.halos });
const cut = await run(observeCylinders, { boxSize }, { ...universe, views });

describe("observe.axisViews", () => {
  it("writes three views per host of m >= 13.5", () => {
    expect(checkTable(views, AXIS_VIEWS)).toEqual([]);
    const hosts = f64(universe.halos, "m200c").filter((m) => m >= 10 ** 13.5).length;
    expect(hosts).toBeGreaterThan(3);
    expect(views.numRows).toBe(3 * hosts);
  });
});

describe("observe.cylinders", () => {
  it("writes MEMBERS and a count per view", () => {
    expect(checkTable(cut.members, MEMBERS)).toEqual([]);
    expect(checkTable(cut.counts, VIEW_COUNTS)).toEqual([]);
    expect(cut.counts.numRows).toBe(views.numRows);
  });

  it("counts exactly the member rows of each view", () => {
    const nGal = i32(cut.counts, "n_gal");
    expect(nGal.reduce((a, b) => a + b, 0)).toBe(cut.members.numRows);
    const first = i64(cut.counts, "view_id")[0];
    const rowsOfFirst = i64(cut.members, "view_id").filter((v) => v === first).length;
    expect(rowsOfFirst).toBe(nGal[0]);
  });

  it("ignores views of hosts that live in another box", () => {
    const foreign = {
      numRows: 1,
      columns: {
        view_id: BigInt64Array.from([1n]),
        host_id: BigInt64Array.from([99n << 32n]),
        lx: Float64Array.from([1]),
        ly: Float64Array.from([0]),
        lz: Float64Array.from([0]),
      },
    };
    return run(observeCylinders, { boxSize }, { ...universe, views: foreign }).then((out) => {
      expect(out.counts.numRows).toBe(0);
    });
  });
});

describe("observe.calibration", () => {
  it("reports halo counts against Tinker for the boxes' volume", async () => {
    const { calibration } = await run(
      observeCalibration,
      { boxSize },
      { halos: [universe.halos], counts: [cut.counts], members: [cut.members] },
    );
    expect(checkTable(calibration, CALIBRATION)).toEqual([]);
    const metric = utf8(calibration, "metric");
    const row = metric.indexOf("halo_count");
    const m13 = f64(universe.halos, "m200c").filter((m) => m >= 1e13).length;
    expect(f64(calibration, "value")[row]).toBe(m13);
    // Tinker: 355k per (Gpc/h)^3 above 10^13
    expect(f64(calibration, "reference")[row]).toBeCloseTo(354.5e3 * (boxSize / 1000) ** 3, -1);
    expect(metric).toContain("msigma_contaminated_scatter");
  });
});
