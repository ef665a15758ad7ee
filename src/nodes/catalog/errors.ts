/**
 * The one error every importer throws: it names the file, the line (or record,
 * or row) and the column, so a user can open the file at the right place.
 */
export class CatalogError extends Error {
  readonly file: string;
  /** 1-based line of a text file, record of a binary file or row of a Parquet file. */
  readonly line: number | undefined;
  readonly column: string | undefined;

  constructor(
    file: string,
    where: { readonly line?: number; readonly unit?: string; readonly column?: string },
    problem: string,
  ) {
    const unit = where.unit ?? "line";
    const at = where.line === undefined ? "" : `, ${unit} ${where.line}`;
    const col = where.column === undefined ? "" : `, column '${where.column}'`;
    super(`${file}${at}${col}: ${problem}`);
    this.name = "CatalogError";
    this.file = file;
    this.line = where.line;
    this.column = where.column;
  }
}
