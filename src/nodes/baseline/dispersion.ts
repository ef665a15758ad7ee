/**
 * Line-of-sight velocity dispersion of a cluster's members, km/s: the sample
 * standard deviation, and the gapper estimator of Beers, Flynn & Gebhardt
 * (1990), which leans less on the tails where interlopers sit.
 */

/** Sample standard deviation (ddof 1), km/s; NaN with fewer than two members. */
export const velocityDispersion = (vLos: ArrayLike<number>): number => {
  const n = vLos.length;
  if (n < 2) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += vLos[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (vLos[i] - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
};

/**
 * Gapper dispersion, km/s: sqrt(pi) / (n (n - 1)) * sum_i i (n - i) g_i over
 * the gaps g_i between consecutive sorted velocities. Unbiased for a Gaussian;
 * NaN with fewer than two members.
 */
export const gapperDispersion = (vLos: ArrayLike<number>): number => {
  const n = vLos.length;
  if (n < 2) return Number.NaN;
  const sorted = Float64Array.from(vLos).sort();
  let sum = 0;
  for (let i = 1; i < n; i++) sum += i * (n - i) * (sorted[i] - sorted[i - 1]);
  return (Math.sqrt(Math.PI) * sum) / (n * (n - 1));
};

export type DispersionEstimator = "std" | "gapper";

export const dispersion = (vLos: ArrayLike<number>, estimator: DispersionEstimator): number =>
  estimator === "gapper" ? gapperDispersion(vLos) : velocityDispersion(vLos);
