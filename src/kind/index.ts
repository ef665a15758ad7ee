export * from "./kind.ts";
export * from "./rng.ts";
export * from "./table.ts";
export * from "./params.ts";
