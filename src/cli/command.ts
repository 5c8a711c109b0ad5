import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AlzbenchError } from '../util/errors.js';
import type { FlagTable } from '../util/flag-table.js';

/** One `alzbench <name>` sub-command. Each lives in its own file under `src/cli/commands/`. */
export interface Command {
  /** Name typed after `alzbench`, e.g. `train` or `data inspect` (two words for a group). */
  readonly name: string;
  /** One line for `alzbench --help`. */
  readonly summary: string;
  /** Full usage text for `alzbench <name> --help`, made by `usageText` from {@link Command.flags}. */
  readonly usage: string;
  /** Every flag the command accepts: the table its {@link parseFlags} call reads and its help lists. */
  readonly flags: FlagTable;
  /** Runs the command; resolves to the process exit code (default 0). */
  run(argv: string[]): Promise<number | void>;
}

/**
 * Parses flags with node's strict parser and turns its errors into the CLI's error shape,
 * naming the command and pointing to its help. `options` is the command's flag table (parseArgs
 * reads type, multiple and default; the help fields ride along unread).
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']> & FlagTable>(
  command: string,
  argv: string[],
  options: T,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new AlzbenchError((error as Error).message, {
      hint: `run "alzbench ${command} --help" for the flags it takes`,
      exitCode: 2,
    });
  }
}
