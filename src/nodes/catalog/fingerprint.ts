/**
 * The content of a catalog file, for the runtime to put in the key of the
 * node that imports it: the key then changes when the file's bytes change,
 * and not when it is merely touched or moved.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { createHash } from "node:crypto";

const CHUNK_BYTES = 1 << 20;

/** `sha256:<hex>` of the file's bytes, read in chunks. */
export const fileFingerprint = (path: string): string => {
  const hash = createHash("sha256");
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      hash.update(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return `sha256:${hash.digest("hex")}`;
};
