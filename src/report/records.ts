/**
 * Tables as plain records, the shape that Markdown, CSV and vega-lite want.
 */
import { isFixedList } from "../kind/index.ts";
import type { Table } from "../kind/index.ts";

export type Cell = number | string | boolean;
export type Row = Readonly<Record<string, Cell>>;

/**
 * Rows of one table or of several stacked, scalar columns only (fixed-size
 * lists are left out). 64-bit ids become numbers: view ids stay far below
 * 2^53.
 */
export const toRecords = (tables: Table | readonly Table[] | undefined): Row[] => {
  if (tables === undefined) return [];
  const list: readonly Table[] = Array.isArray(tables) ? tables : [tables as Table];
  const out: Row[] = [];
  for (const t of list) {
    const names = Object.keys(t.columns).filter((n) => !isFixedList(t.columns[n]));
    for (let i = 0; i < t.numRows; i++) {
      const r: Record<string, Cell> = {};
      for (const n of names) {
        const c = t.columns[n] as ArrayLike<unknown>;
        const v = c[i];
        r[n] = typeof v === "bigint" ? Number(v) : c instanceof Uint8Array ? v === 1 : (v as Cell);
      }
      out.push(r);
    }
  }
  return out;
};

export const num = (r: Row, name: string): number => {
  const v = r[name];
  if (typeof v !== "number") throw new Error(`column '${name}' is not numeric`);
  return v;
};

export const str = (r: Row, name: string): string => {
  const v = r[name];
  if (typeof v !== "string") throw new Error(`column '${name}' is not text`);
  return v;
};
