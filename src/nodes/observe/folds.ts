/**
 * Cross-validation by host: every view of a host shares the host's fold, so
 * no cluster is ever trained on from one line of sight and tested from another.
 */
import type { Rng } from "../../kind/index.ts";

/**
 * Fold of each host. Hosts are ranked by mass (heaviest first, ties in input
 * order) and each run of `nFolds` consecutive ranks is dealt a seeded
 * permutation of the folds: every fold gets the same mass distribution, to
 * within one host per block, and the heaviest host is not always in fold 0.
 */
export const foldsByMassRank = (m: Float64Array, nFolds: number, rng: Rng): Int32Array => {
  if (!Number.isInteger(nFolds) || nFolds < 1) throw new Error(`folds must be >= 1, not ${nFolds}`);
  const order = Array.from({ length: m.length }, (_, i) => i);
  order.sort((a, b) => m[b] - m[a] || a - b);
  const fold = new Int32Array(m.length);
  for (let start = 0; start < order.length; start += nFolds) {
    const deal = rng.permutation(nFolds);
    for (let k = 0; k < nFolds && start + k < order.length; k++) fold[order[start + k]] = deal[k];
  }
  return fold;
};

/**
 * A seeded random `share` of the hosts (rounded to the nearest host) flagged
 * as validation hosts: 1 for validation, 0 otherwise.
 */
export const chooseValidation = (nHosts: number, share: number, rng: Rng): Uint8Array => {
  if (!(share >= 0 && share <= 1)) {
    throw new Error(`validation share must be in [0, 1], not ${share}`);
  }
  const flag = new Uint8Array(nHosts);
  const chosen = Math.round(share * nHosts);
  const order = rng.permutation(nHosts);
  for (let k = 0; k < chosen; k++) flag[order[k]] = 1;
  return flag;
};
