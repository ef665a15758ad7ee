import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { readUniverseMachine, UM_OFFSETS, UM_RECORD_BYTES } from "../../src/nodes/catalog/index.ts";

const scratch = mkdtempSync(join(tmpdir(), "catalog-um-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Galaxy {
  id: bigint;
  upid: bigint;
  flags: number;
  pos: [number, number, number];
  vel: [number, number, number];
  obsSm: number;
}

/** Packs galaxies the way UniverseMachine's sfr_catalog writer lays them out. */
const pack = (galaxies: Galaxy[]): Buffer => {
  const buf = Buffer.alloc(galaxies.length * UM_RECORD_BYTES);
  galaxies.forEach((g, i) => {
    const base = i * UM_RECORD_BYTES;
    buf.writeBigInt64LE(g.id, base + UM_OFFSETS.id);
    buf.writeBigInt64LE(g.id + 1000n, base + UM_OFFSETS.descid);
    buf.writeBigInt64LE(g.upid, base + UM_OFFSETS.upid);
    buf.writeInt32LE(g.flags, base + UM_OFFSETS.flags);
    buf.writeFloatLE(g.pos[0], base + UM_OFFSETS.x);
    buf.writeFloatLE(g.pos[1], base + UM_OFFSETS.y);
    buf.writeFloatLE(g.pos[2], base + UM_OFFSETS.z);
    buf.writeFloatLE(g.vel[0], base + UM_OFFSETS.vx);
    buf.writeFloatLE(g.vel[1], base + UM_OFFSETS.vy);
    buf.writeFloatLE(g.vel[2], base + UM_OFFSETS.vz);
    buf.writeFloatLE(1e12, base + UM_OFFSETS.m);
    buf.writeFloatLE(g.obsSm * 1.1, base + UM_OFFSETS.sm);
    buf.writeFloatLE(g.obsSm, base + UM_OFFSETS.obs_sm);
  });
  return buf;
};

const write = (name: string, bytes: Buffer): string => {
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  return path;
};

const galaxies: Galaxy[] = [
  { id: 11n, upid: 7n, flags: 0, pos: [1.5, 2.25, 999.5], vel: [-120.5, 40, 310], obsSm: 4e10 },
  { id: 12n, upid: -1n, flags: 16, pos: [3, 4, 5], vel: [0, 0, 0], obsSm: 2e9 },
  { id: 13n, upid: -1n, flags: 2, pos: [250, 0.125, 17], vel: [1, -2, 3.5], obsSm: 5e9 },
];

describe("UniverseMachine sfr_catalog", () => {
  it("round-trips ids, positions, velocities and obs_sm", () => {
    const { table } = readUniverseMachine(write("ok.bin", pack(galaxies)));
    expect(Array.from(table.columns.id as BigInt64Array)).toEqual([11n, 13n]);
    expect(Array.from(table.columns.upid as BigInt64Array)).toEqual([7n, -1n]);
    expect(Array.from(table.columns.x as Float64Array)).toEqual([1.5, 250]);
    expect(Array.from(table.columns.vz as Float64Array)).toEqual([310, 3.5]);
    expect((table.columns.obs_sm as Float64Array)[0]).toBeCloseTo(4e10, -4);
  });

  it("drops galaxies flagged as ignored (flags & 16) and keeps other flags", () => {
    const { table } = readUniverseMachine(write("flags.bin", pack(galaxies)));
    expect(table.numRows).toBe(2);
    expect(Array.from(table.columns.id as BigInt64Array)).not.toContain(12n);
  });

  it("rejects a truncated file, naming the incomplete record", () => {
    const path = write("cut.bin", pack(galaxies).subarray(0, 2 * UM_RECORD_BYTES + 100));
    expect(() => readUniverseMachine(path)).toThrow(
      `${path}, record 3: truncated: 356 bytes is not a whole number of 128-byte records`,
    );
  });

  it("rejects a NaN position, naming the record and column", () => {
    const bad = pack(galaxies);
    bad.writeFloatLE(Number.NaN, 2 * UM_RECORD_BYTES + UM_OFFSETS.y);
    const path = write("nan.bin", bad);
    expect(() => readUniverseMachine(path)).toThrow(
      `${path}, record 3, column 'y': NaN is not finite`,
    );
  });

  it("rejects a negative stellar mass", () => {
    const path = write("neg.bin", pack([{ ...galaxies[0], obsSm: -1e9 }]));
    expect(() => readUniverseMachine(path)).toThrow(
      `${path}, record 1, column 'obs_sm': negative mass`,
    );
  });

  it("records the sha256 of the file's bytes", () => {
    const a = readUniverseMachine(write("a.bin", pack(galaxies))).sha256;
    const b = readUniverseMachine(write("b.bin", pack(galaxies.slice(0, 2)))).sha256;
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });
});
