import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands, main } from './main.js';

/** Every `--flag` the text names. */
const named = (text: string) => new Set([...text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!));

test("every command's --help lists exactly the flags it accepts", () => {
  assert.ok(commands.length >= 20);
  for (const command of commands) {
    const accepted = new Set(Object.keys(command.flags));
    const inHelp = named(command.usage);
    const missing = [...accepted].filter((f) => !inHelp.has(f));
    const unknown = [...inHelp].filter((f) => !accepted.has(f));
    assert.deepEqual(missing, [], `alzbench ${command.name} accepts flags its --help does not list`);
    assert.deepEqual(unknown, [], `alzbench ${command.name} --help names flags it does not accept`);
    // Each flag has its own line in the flags list, not only a mention in prose.
    for (const flag of accepted) assert.match(command.usage, new RegExp(`^  --${flag}\\b`, 'm'), `alzbench ${command.name}: no help line for --${flag}`);
  }
});

test('a flag that is not in the table is refused with the command named and its help pointed to', async () => {
  const written: string[] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => void written.push(args.join(' '));
  try {
    for (const name of ['models', 'runs tag', 'worker list']) {
      written.length = 0;
      assert.equal(await main([...name.split(' '), '--no-such-flag']), 2);
      assert.match(written.join('\n'), new RegExp(`Unknown option '--no-such-flag'[\\s\\S]*alzbench ${name} --help`));
    }
  } finally {
    console.error = error;
  }
});
