/** Real simulation catalogs into the internal HALOS / GALAXIES tables. */
import { catalogImport } from "./import.ts";

export { CatalogError } from "./errors.ts";
export { fileFingerprint } from "./fingerprint.ts";
export { readCatalog, guessFormat, CATALOG_FORMATS, catalogImport } from "./import.ts";
export type { CatalogFormat } from "./import.ts";
export { readCsv, readHlist } from "./text.ts";
export { readParquetCatalog } from "./parquet.ts";
export { readUniverseMachine, UM_OFFSETS, UM_RECORD_BYTES } from "./universemachine.ts";

export const kinds = [catalogImport];
