// Number formatting shared by the pages.

/** 3 decimals, or a dash for missing and non-finite values. */
export const f3 = (v: unknown): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '–');

/** A p-value: `<0.001` below that. */
export const fp = (p: number | null | undefined): string => (p === null || p === undefined ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3));

/** A value with its interval: `0.912 [0.850, 0.960]`. */
export function withCi(value: unknown, ci: unknown): string {
  const c = ci as { low?: number; high?: number } | undefined;
  return c && typeof c.low === 'number' && typeof c.high === 'number' ? `${f3(value)} [${f3(c.low)}, ${f3(c.high)}]` : f3(value);
}

/** Any JSON value as short text for tables. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(show).join(value.every((v) => typeof v === 'number') ? 'x' : ', ');
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}
