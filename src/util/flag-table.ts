/**
 * A command's flags as one table: what node's `parseArgs` reads (type, multiple, default) and the
 * flag's line in `--help` (value name and text) side by side, so the flags a command accepts and
 * the flags its help lists are the same keys and cannot drift apart.
 */

/** One flag of a command. `parseArgs` reads `type`, `multiple` and `default`; help the rest. */
export interface Flag {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly default?: string | boolean;
  /** The value's name in help (`N`, `DIR`, `skip|stop`); string flags only. */
  readonly value?: string;
  /** What the flag does, for `--help`; lines after a newline are indented under the first. */
  readonly help: string;
}

/** A command's flags by name (without the leading `--`). */
export type FlagTable = Readonly<Record<string, Flag>>;

/**
 * The help lines of a flag table, one flag per line (`  --workers N   text`), the texts aligned
 * in one column and continuation lines indented to it.
 *
 * @example
 * flagLines({ json: { type: 'boolean', help: 'print JSON' } }); // '  --json  print JSON'
 */
export function flagLines(table: FlagTable): string {
  const rows = Object.entries(table).map(([name, flag]) => [`--${name}${flag.value ? ` ${flag.value}` : ''}`, flag.help] as const);
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows
    .map(([left, help]) =>
      help
        .split('\n')
        .map((line, i) => `  ${(i === 0 ? left : '').padEnd(width)}  ${line}`.trimEnd())
        .join('\n'),
    )
    .join('\n');
}

/** The parts of a command's `--help`. */
export interface UsageParts {
  /** `usage: alzbench x ...` line(s). */
  readonly synopsis: string;
  /** What the command does (paragraphs). */
  readonly about?: string;
  /** The command's flags, listed under `flags:`. */
  readonly flags: FlagTable;
  /** More flag groups under their own heading (e.g. the training settings), listed after. */
  readonly groups?: readonly { readonly heading: string; readonly flags: FlagTable }[];
  /** Text after the flags (notes, examples). */
  readonly after?: string;
}

/** A command's `--help` text: synopsis, about, then every flag of its tables. */
export function usageText(parts: UsageParts): string {
  const blocks = [parts.synopsis, parts.about, `flags:\n${flagLines(parts.flags)}`];
  for (const group of parts.groups ?? []) blocks.push(`${group.heading}:\n${flagLines(group.flags)}`);
  if (parts.after) blocks.push(parts.after);
  return blocks.filter((b): b is string => b !== undefined && b !== '').join('\n\n');
}
