/** max |a - b| over max |b|: the error of `a` relative to the scale of the reference `b`. */
export const maxRelativeError = (a: Float32Array, b: Float32Array): number => {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  return scale === 0 ? err : err / scale;
};
