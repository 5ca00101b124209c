/**
 * xorshift32 as numbers in [0, 1): small and seeded, so tests that draw
 * random cases (property tests, random vignettes) reproduce from their seed.
 * Not for anything secret.
 */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}
