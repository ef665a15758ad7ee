/**
 * Reads a text file line by line in fixed-size chunks, so a catalog of many
 * gigabytes never sits whole in memory, and hashes the bytes on the way so
 * the importer records the file's sha256 without a second pass.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { createHash, type Hash } from "node:crypto";

import { CatalogError } from "./errors.ts";

const CHUNK_BYTES = 1 << 20;

/** No catalog line is this long; a longer one is a binary or hostile file. */
export const MAX_LINE_BYTES = 1 << 20;

export class LineReader {
  readonly path: string;
  /** 1-based number of the line last returned by `next`. */
  lineNumber = 0;
  /** Bytes read from the file so far, and its size when opened. */
  bytesRead = 0;
  readonly size: number;
  private readonly fd: number;
  private readonly hash: Hash = createHash("sha256");
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private chunkLength = 0;
  private chunkPos = 0;
  /** Start of a line that continues past the end of the previous chunk. */
  private partial: Buffer[] = [];
  private partialLength = 0;
  private eof = false;
  private closed = false;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, "r");
    this.size = fstatSync(this.fd).size;
  }

  /** The next line without its terminator, or undefined at the end of the file. */
  next(): string | undefined {
    for (;;) {
      if (this.chunkPos >= this.chunkLength) {
        if (this.eof || !this.fill()) {
          if (this.partialLength === 0) return undefined;
          return this.takeLine(this.chunk, 0, 0);
        }
      }
      const nl = this.chunk.indexOf(10, this.chunkPos);
      if (nl >= 0 && nl < this.chunkLength) {
        const start = this.chunkPos;
        this.chunkPos = nl + 1;
        return this.takeLine(this.chunk, start, nl);
      }
      this.keepPartial(this.chunk.subarray(this.chunkPos, this.chunkLength));
      this.chunkPos = this.chunkLength;
    }
  }

  /** sha256 of the bytes read so far (the whole file once `next` returned undefined). */
  digest(): string {
    return this.hash.copy().digest("hex");
  }

  close(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
  }

  private fill(): boolean {
    const n = readSync(this.fd, this.chunk, 0, CHUNK_BYTES, null);
    this.chunkLength = n;
    this.chunkPos = 0;
    if (n === 0) {
      this.eof = true;
      return false;
    }
    this.hash.update(this.chunk.subarray(0, n));
    this.bytesRead += n;
    return true;
  }

  private keepPartial(bytes: Buffer): void {
    this.partialLength += bytes.length;
    if (this.partialLength > MAX_LINE_BYTES) {
      throw new CatalogError(
        this.path,
        { line: this.lineNumber + 1 },
        `line is longer than ${MAX_LINE_BYTES} bytes; not a text catalog`,
      );
    }
    this.partial.push(Buffer.from(bytes));
  }

  private takeLine(buf: Buffer, start: number, end: number): string {
    this.lineNumber++;
    let bytes = buf.subarray(start, end);
    if (this.partialLength > 0) {
      bytes = Buffer.concat([...this.partial, bytes]);
      this.partial = [];
      this.partialLength = 0;
    }
    if (bytes.length > MAX_LINE_BYTES) {
      throw new CatalogError(
        this.path,
        { line: this.lineNumber },
        `line is longer than ${MAX_LINE_BYTES} bytes; not a text catalog`,
      );
    }
    let text = bytes.toString("utf8");
    if (text.endsWith("\r")) text = text.slice(0, -1);
    return text;
  }
}
