/**
 * Parses CSV text (RFC 4180: quoted fields, doubled quotes, commas and newlines inside quotes)
 * into rows of strings. Blank lines are dropped. Lines may end in LF, CRLF or a lone CR (old
 * Mac/Excel exports). `delimiter` is `,` unless given (`;` for European Excel, tab for TSV).
 */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.trim() !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f.trim() !== '')) rows.push(row);
  return rows;
}

/**
 * The delimiter of a delimited text table, from its first line: whichever of tab, `;` and `,`
 * occurs most often there outside quotes (`,` when none does).
 */
export function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r\n|\r|\n/, 1)[0] ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const counts = ['\t', ';', ','].map((d) => [d, unquoted.split(d).length - 1] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ',';
}

/** Parses a delimited table whose delimiter is detected (see {@link detectDelimiter}). */
export function parseTable(text: string): { header: string[]; rows: string[][]; delimiter: string } {
  const delimiter = detectDelimiter(text);
  const [header = [], ...rows] = parseCsv(text.replace(/^\uFEFF/, ''), delimiter);
  return { header: header.map((h) => h.trim()), rows, delimiter };
}

/** A number written with a decimal point or a decimal comma (`0,5`); NaN when empty or not a number. */
export function parseDecimal(text: string | undefined): number {
  const t = (text ?? '').trim();
  if (t === '') return NaN;
  return Number(/^[-+]?\d*,\d+$/.test(t) ? t.replace(',', '.') : t);
}
