import { AlzbenchError } from '../util/errors.js';
import type { Command } from './command.js';
import { demoCommand } from './commands/demo.js';
import { synthCommand } from './commands/synth.js';
import { modelsCommand } from './commands/models.js';
import { dataInspectCommand } from './commands/data-inspect.js';
import { previewCommand } from './commands/preview.js';
import { trainCommand } from './commands/train.js';
import { evalCommand } from './commands/eval.js';
import { predictCommand } from './commands/predict.js';
import { sweepCommand } from './commands/sweep.js';
import { runsCommand, runsTagCommand, runsNameCommand, runsDeleteCommand, runsExportCommand, runsImportCommand } from './commands/runs.js';
import { showCommand } from './commands/show.js';
import { compareCommand } from './commands/compare.js';
import { workerCommand, workerDrainCommand, workerListCommand } from './commands/worker.js';
import { serveCommand } from './commands/serve.js';

/**
 * The command table. Add a command by writing `src/cli/commands/<name>.ts` that exports a
 * {@link Command} and adding it here.
 */
export const commands: Command[] = [
  demoCommand,
  synthCommand,
  modelsCommand,
  dataInspectCommand,
  previewCommand,
  trainCommand,
  evalCommand,
  predictCommand,
  sweepCommand,
  runsCommand,
  runsTagCommand,
  runsNameCommand,
  runsDeleteCommand,
  runsExportCommand,
  runsImportCommand,
  showCommand,
  compareCommand,
  workerCommand,
  workerDrainCommand,
  workerListCommand,
  serveCommand,
];

function globalUsage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'alzbench: Alzheimer MRI classification workbench',
    '',
    'usage: alzbench <command> [flags]   (alzbench <command> --help for its flags)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

/** Finds the longest command name that prefixes argv (so `data inspect` wins over `data`). */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of sorted) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
}

/** Entry point of the `alzbench` binary. Resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(globalUsage());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    console.error(`alzbench: unknown command "${argv[0]}"\n\n${globalUsage()}`);
    return 2;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    console.log(found.command.usage);
    return 0;
  }
  try {
    return (await found.command.run(found.rest)) ?? 0;
  } catch (error) {
    if (error instanceof AlzbenchError) {
      console.error(`alzbench ${found.command.name}: error: ${error.message}`);
      if (error.hint) console.error(`hint: ${error.hint}`);
      return error.exitCode;
    }
    const err = error as Error;
    console.error(`alzbench ${found.command.name}: internal error: ${err.message}`);
    if (process.env.ALZBENCH_DEBUG) console.error(err.stack);
    else console.error('hint: set ALZBENCH_DEBUG=1 for the stack trace, and please report it');
    return 1;
  }
}
