/**
 * McNemar's test for two classifiers evaluated on the same samples: only the discordant pairs
 * count (b: A right and B wrong, c: A wrong and B right).
 */

/** Result of {@link mcnemar}. */
export interface McNemarResult {
  /** Both right, A right only (b), B right only (c), both wrong. */
  readonly table: { readonly bothRight: number; readonly onlyA: number; readonly onlyB: number; readonly bothWrong: number };
  /** Chi-square statistic with Edwards' continuity correction, (|b - c| - 1)^2 / (b + c). */
  readonly statistic: number;
  /** p-value of the corrected chi-square (1 degree of freedom). */
  readonly pValueChiSquare: number;
  /** Exact two-sided binomial p-value, min(1, 2 P(X <= min(b, c))) with X ~ Bin(b + c, 1/2). */
  readonly pValueExact: number;
  /** The one to report: exact when b + c < 25 (the chi-square is poor there), else the chi-square. */
  readonly pValue: number;
  readonly method: 'exact' | 'chi-square';
}

/** log(n!) by summation for small n and Stirling's series beyond (error < 1e-12 there). */
function logFactorial(n: number): number {
  if (n < 256) {
    let s = 0;
    for (let k = 2; k <= n; k++) s += Math.log(k);
    return s;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3) + 1 / (1260 * n ** 5);
}

/**
 * erfc(x) for x >= 0: the power series of erf below 2, a Lentz continued fraction above, both to
 * about 1e-15 relative. Negative x uses erfc(x) = 2 − erfc(−x).
 *
 * Source: Abramowitz & Stegun 7.1.5 (series) and 7.1.14 (continued fraction); Numerical Recipes §6.2, §5.2 (Lentz).
 *
 * @param x any real number
 * @returns the complementary error function 1 − erf(x), in (0, 2)
 */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    D = Math.abs(D) < tiny ? tiny : D;
    C = x + a / C;
    C = Math.abs(C) < tiny ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/**
 * Upper tail of the chi-square distribution with 1 degree of freedom.
 *
 * Source: SciPy `scipy.stats.chi2.sf(x, 1)`.
 *
 * @param x the statistic
 * @returns P(χ²₁ ≥ x) = erfc(√(x/2)); 1 for x ≤ 0
 */
export function chiSquare1Sf(x: number): number {
  return x <= 0 ? 1 : erfc(Math.sqrt(x / 2));
}

/**
 * P(X <= k) for X ~ Binomial(n, 1/2), summed in log space.
 *
 * Source: SciPy `scipy.stats.binom.cdf(k, n, 0.5)`.
 *
 * @param k the largest count included
 * @param n the number of trials
 * @returns the probability, capped at 1; 1 when k ≥ n
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (k >= n) return 1;
  let total = 0;
  const logN = logFactorial(n);
  for (let i = 0; i <= k; i++) total += Math.exp(logN - logFactorial(i) - logFactorial(n - i) - n * Math.LN2);
  return Math.min(1, total);
}

/**
 * McNemar's test from the 2x2 table of correct/incorrect of two classifiers on the same samples.
 *
 * Source: McNemar 1947; Edwards 1948 (continuity correction); statsmodels `statsmodels.stats.contingency_tables.mcnemar`
 * (exact=True / exact=False, correction=True).
 *
 * @example
 * mcnemar({ bothRight: 101, onlyA: 121, onlyB: 59, bothWrong: 33 }).statistic; // 20.67
 *
 * @param table counts: both right, only A right (b), only B right (c), both wrong
 * @returns the corrected chi-square statistic, its p-value, the exact binomial p-value and the one to report
 * (exact when b + c < 25); with no discordant pairs the statistic is 0 and both p-values 1
 */
export function mcnemar(table: McNemarResult['table']): McNemarResult {
  const b = table.onlyA;
  const c = table.onlyB;
  const discordant = b + c;
  const statistic = discordant === 0 ? 0 : Math.max(0, Math.abs(b - c) - 1) ** 2 / discordant;
  const pValueChiSquare = discordant === 0 ? 1 : chiSquare1Sf(statistic);
  const pValueExact = discordant === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), discordant));
  const method = discordant < 25 ? 'exact' : 'chi-square';
  return { table, statistic, pValueChiSquare, pValueExact, pValue: method === 'exact' ? pValueExact : pValueChiSquare, method };
}

/**
 * Builds the table from two classifiers' correctness on the same samples, in the same order.
 *
 * @param correctA whether classifier A was right on each sample
 * @param correctB whether classifier B was right on each sample, same order and length
 * @returns the test as {@link mcnemar}
 * @throws RangeError `Expected the same number of samples but received <a> and <b>` when the lengths differ.
 */
export function mcnemarFromCorrectness(correctA: readonly boolean[], correctB: readonly boolean[]): McNemarResult {
  if (correctA.length !== correctB.length) throw new RangeError(`Expected the same number of samples but received ${correctA.length} and ${correctB.length}`);
  const table = { bothRight: 0, onlyA: 0, onlyB: 0, bothWrong: 0 };
  correctA.forEach((a, i) => {
    const b = correctB[i]!;
    if (a && b) table.bothRight++;
    else if (a) table.onlyA++;
    else if (b) table.onlyB++;
    else table.bothWrong++;
  });
  return mcnemar(table);
}
