import { existsSync } from 'node:fs';
import { type Command, parseFlags } from '../command.js';
import { openSyncedStore, STORE_FLAGS } from './store-options.js';
import { type FlagTable, usageText } from '../../util/flag-table.js';
import { AlzbenchError } from '../../util/errors.js';
import { f3 } from '../../report/format.js';

const flags = {
  json: { type: 'boolean', default: false, help: 'print one JSON document (the run, its epochs and artifacts) on stdout' },
  ...STORE_FLAGS,
} satisfies FlagTable;

const usage = usageText({
  synopsis: 'usage: alzbench show <run> [--json]',
  about: `Prints a stored run: status, the full resolved config, data set fingerprint and split, code
version, machine, timestamps, per-epoch metrics, test metrics with 95 % CIs and its files.
<run> is an id, a unique id prefix or a name.`,
  flags,
});

/** `alzbench show`: one run in full. */
export const showCommand: Command = {
  name: 'show',
  summary: 'print a run: config, data, code, machine, per-epoch and test metrics with CIs',
  usage,
  flags,
  async run(argv) {
    const { values, positionals } = parseFlags('show', argv, flags, true);
    if (positionals.length !== 1)
      throw new AlzbenchError(`Expected one run but received ${positionals.length}`, { hint: 'alzbench runs lists them', exitCode: 2 });
    const store = await openSyncedStore(values);
    try {
      const run = await store.resolveRun(positionals[0]!);
      const epochs = await store.getEpochs(run.id);
      const artifacts = await store.getArtifacts(run.id);
      if (values.json) {
        process.stdout.write(`${JSON.stringify({ run, epochs: epochs.map((e) => e.record), artifacts })}\n`);
        return;
      }
      const test = run.test;
      const lines = [
        `run ${run.id}${run.name ? ` (${run.name})` : ''}: ${run.status}${run.reason ? ` — ${run.reason}` : ''}`,
        `  model ${run.model ?? '-'}, task ${run.task ?? '-'} (${run.classes.join(', ')}), device ${run.device ?? '-'}`,
        `  data ${(run.dataset as { root?: string } | null)?.root ?? run.config.data ?? '-'}, fingerprint ${run.datasetFingerprint ?? '-'}`,
        `  split ${JSON.stringify(run.split ?? null)}`,
        `  code ${run.codeVersion ?? '-'}; machine ${JSON.stringify(run.machine ?? null)}`,
        `  created ${run.createdAt}, started ${run.startedAt ?? '-'}, finished ${run.finishedAt ?? '-'}`,
        ...(run.sweepId
          ? [
              `  sweep ${run.sweepId}, point ${Object.entries(run.point)
                .map(([k, v]) => `${k}=${v}`)
                .join(' ')}, attempts ${run.attempts}`,
            ]
          : []),
        ...(run.tags.length ? [`  tags ${run.tags.join(', ')}`] : []),
        `  folder ${run.dir ?? '-'}${run.dir && !existsSync(run.dir) ? ' (missing)' : ''}`,
        '',
        'config:',
        ...Object.entries(run.config).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
        '',
        `epochs (${epochs.length}):`,
        '  epoch  train loss  val loss  val acc  val bal.acc  val sens  val spec  seconds  flags',
        ...epochs.map(
          (e) =>
            `  ${String(e.epoch).padStart(5)}  ${f3(e.trainLoss).padStart(10)}  ${f3(e.valLoss).padStart(8)}  ${f3(e.valAccuracy).padStart(7)}  ${f3(e.valBalancedAccuracy).padStart(11)}  ${f3(e.valSensitivity).padStart(8)}  ${f3(e.valSpecificity).padStart(8)}  ${(e.seconds ?? NaN).toFixed(1).padStart(7)}  ${[e.best ? 'best' : '', e.collapsed ? 'collapsed' : ''].filter(Boolean).join(' ')}`,
        ),
      ];
      if (test) {
        lines.push(
          '',
          `test per ${run.config.input === 'volume' ? 'session (whole volume)' : 'slice'} (best epoch ${test.best.epoch}${test.best.ci ? `, 95 % CI by ${test.best.ci.unit ?? 'slice'}` : ''}; last epoch ${test.last?.epoch ?? '-'}):`,
        );
        for (const k of ['sensitivity', 'specificity', 'accuracy', 'balancedAccuracy', 'auc', 'loss'] as const) {
          const ci = k === 'loss' ? undefined : test.best.ci?.[k];
          lines.push(`  ${k.padEnd(16)} ${f3(test.best.metrics[k])}${ci ? ` [${f3(ci.low)}, ${f3(ci.high)}]` : ''}   last ${f3(test.last?.metrics[k])}`);
        }
        const subject = test.best.subject;
        if (subject) {
          lines.push(
            `test per subject (${subject.subjects} ${subject.reconstructed ? 'pseudo-subjects' : 'subjects'}, ${subject.rule ?? 'mean'} of ${run.config.input === 'volume' ? 'session' : 'slice'} probabilities; 95 % CI by subject bootstrap):`,
          );
          for (const k of ['sensitivity', 'specificity', 'accuracy', 'balancedAccuracy', 'auc'] as const) {
            const ci = subject.ci?.[k];
            lines.push(`  ${k.padEnd(16)} ${f3(subject.metrics[k])}${ci ? ` [${f3(ci.low)}, ${f3(ci.high)}]` : ''}`);
          }
        }
      }
      lines.push('', `files (${artifacts.length}): ${artifacts.map((a) => a.path).join(', ')}`);
      console.log(lines.join('\n'));
    } finally {
      await store.close();
    }
  },
};
