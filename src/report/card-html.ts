/**
 * card.html of a run card archive: one run's settings, test metrics with CIs, learning curves,
 * ROC curve and confusion matrix, readable in any browser without alzbench.
 */
import { positiveClassOf } from '../eval/metrics.js';
import type { RunCard } from '../store/archive.js';
import { confusionMatrixSvg, lineChart, rocPoints } from './svg.js';
import { escapeXml } from '../util/escape-xml.js';
import { f3 } from './format.js';
import { reliabilityDiagramSvg } from '../eval/reliability-diagram.js';
import type { CalibrationReport } from '../eval/calibration.js';

/** Renders a run card as a self-contained HTML page. */
export function renderCardHtml(card: RunCard): string {
  const run = card.run;
  const test = run.test;
  const subject = test?.best.subject ?? null;
  // Volume runs (train --input volume) have one sample per scan session.
  const unit = run.config.input === 'volume' ? 'session (whole volume)' : 'slice';
  const metrics = ['sensitivity', 'specificity', 'accuracy', 'balancedAccuracy', 'auc', 'loss'] as const;
  const rows = metrics.map((k) => {
    const ci = k === 'loss' ? undefined : test?.best.ci?.[k];
    const sci = k === 'loss' ? undefined : subject?.ci?.[k];
    const perSubject = subject
      ? `<td>${f3(subject.metrics[k])}${sci ? ` [${f3(sci.low)}, ${f3(sci.high)}]` : ''}</td><td>${f3(test?.last?.subject?.metrics[k])}</td>`
      : '';
    return `<tr><th>${k}</th><td>${f3(test?.best.metrics[k])}${ci ? ` [${f3(ci.low)}, ${f3(ci.high)}]` : ''}</td><td>${f3(test?.last?.metrics[k])}</td>${perSubject}</tr>`;
  });
  // NaN figures were stored as null; the diagram leaves them out as it does NaN.
  const calib = test?.calibration as CalibrationReport | undefined;
  const reliability = calib?.test?.reliability
    ? reliabilityDiagramSvg([
        { label: 'test, best epoch', calibration: calib.test },
        ...(calib.temperature ? [{ label: `after temperature scaling (T=${calib.temperature.value.toFixed(3)})`, calibration: calib.temperature.test }] : []),
      ])
    : '';
  const curves = lineChart(
    [
      { label: 'train loss', points: card.epochs.map((e) => [e.epoch, e.trainLoss ?? NaN] as const) },
      { label: 'val loss', points: card.epochs.map((e) => [e.epoch, e.valLoss ?? NaN] as const) },
      { label: 'val balanced accuracy', points: card.epochs.map((e) => [e.epoch, e.valBalancedAccuracy ?? NaN] as const) },
    ],
    { title: 'learning curves', xLabel: 'epoch', yLabel: 'value' },
  );
  const positive = positiveClassOf(run.classes);
  const roc = card.predictions.length
    ? lineChart(
        [
          {
            label: `AUC ${f3(test?.best.metrics.auc)}`,
            points: rocPoints(
              card.predictions.map((p) => p.probabilities[positive] ?? NaN),
              card.predictions.map((p) => p.label === positive),
            ),
          },
        ],
        {
          title: `ROC, ${run.classes[positive] ?? 'positive'} vs rest`,
          xLabel: 'false positive rate',
          yLabel: 'true positive rate',
          x: [0, 1],
          y: [0, 1],
          diagonal: true,
        },
      )
    : '';
  const confusion = test?.best.metrics.confusion ? confusionMatrixSvg(test.best.metrics.confusion, run.classes, 'confusion (test, best epoch)') : '';
  const config = Object.entries(run.config)
    .map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(JSON.stringify(v))}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>alzbench run ${escapeXml(run.id)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;font-size:13px;margin-bottom:16px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left}th{background:#f3f3f3}</style></head><body>
<h1>Run ${escapeXml(run.id)}${run.name ? ` — ${escapeXml(run.name)}` : ''}</h1>
<p>Status <b>${escapeXml(run.status)}</b>${run.reason ? ` (${escapeXml(run.reason)})` : ''}; model ${escapeXml(run.model ?? '-')}, task ${escapeXml(run.task ?? '-')}; data set fingerprint ${escapeXml(run.datasetFingerprint ?? '-')}; code ${escapeXml(run.codeVersion ?? '-')}; created ${escapeXml(run.createdAt)}.</p>
<h2>Test metrics</h2><table><tr><th></th><th>per ${unit}, best epoch ${test?.best.epoch ?? '-'} [95 % CI]</th><th>per ${unit}, last epoch ${test?.last?.epoch ?? '-'}</th>${subject ? `<th>per subject, best epoch [95 % CI by subject]</th><th>per subject, last epoch</th>` : ''}</tr>${rows.join('')}</table>
<p>${subject ? `Per subject: ${subject.subjects ?? '-'} ${subject.reconstructed ? 'pseudo-subjects reconstructed from the images' : 'subjects'}, slice probabilities pooled by ${escapeXml(subject.rule ?? 'mean')}; each counts once.` : 'No per-subject figures: the test slices have no subjects (slice-level grouping).'}
${calib?.test ? ` Calibration: ${escapeXml(calib.method)} ${f3(calib.test.ece)}${calib.temperature ? `; after temperature scaling (T=${f3(calib.temperature.value)}, fitted on validation) ${f3(calib.temperature.test.ece)}` : ''}.` : ''}</p>
<div>${curves}${roc}${confusion}${reliability}</div>
<h2>Resolved settings</h2><table>${config}</table>
<p style="color:#777;font-size:12px">Exported ${escapeXml(card.exported)} by alzbench; files/ holds the run folder, card.json every number shown here.</p>
</body></html>
`;
}
