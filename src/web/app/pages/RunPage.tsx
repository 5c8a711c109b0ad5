// One run: status, test metrics with CIs, curves, confusion matrix, ROC, Grad-CAM gallery (for a
// volume run: its volume settings and 3-D Grad-CAM as three planes through the peak), data set
// and split with the leakage audit, and the full config. Follows a running run live.
import type { CamEntry, RunDetail } from '../../../server/api-types';
import { useApi, useImage } from '../api';
import { ConfusionMatrix, LineChart } from '../charts';
import { f3, show, withCi } from '../format';
import { Failure } from '../ui';
import { StatusBadges } from './RunsPage';

const LIVE = new Set(['running', 'queued']);
const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

function CamFigure(props: { runId: string; cam: CamEntry; volume: boolean }) {
  const url = useImage(`/api/runs/${encodeURIComponent(props.runId)}/cam/${props.cam.index}`);
  // A volume's image holds three planes side by side: keep its aspect, three times as wide.
  const size = props.volume ? { height: 128 } : { width: 128, height: 128 };
  return (
    <figure data-testid="cam">
      {url ? (
        <img src={url} {...size} alt={`Grad-CAM of test ${props.volume ? 'volume' : 'slice'} ${props.cam.index}`} />
      ) : (
        <div style={{ width: props.volume ? 384 : 128, height: 128 }} />
      )}
      <figcaption>
        true {props.cam.trueClass}, predicted {props.cam.predictedClass}
        {props.volume ? ' (axial · coronal · sagittal)' : ''}
      </figcaption>
    </figure>
  );
}

function VolumeSettingsTable(props: { run: RunDetail }) {
  const volume = props.run.volume;
  if (!volume) return null;
  return (
    <section>
      <h2>Volume settings</h2>
      <table data-testid="volume-settings">
        <tbody>
          <tr>
            <td>input</td>
            <td>whole 3-D volume, one per scan session; split by person</td>
          </tr>
          <tr>
            <td>shape (voxels x, y, z)</td>
            <td>
              <code>{show(volume.shape)}</code>
            </td>
          </tr>
          <tr>
            <td>spacing (mm)</td>
            <td>
              <code>{volume.spacing === null ? 'as stored' : show(volume.spacing)}</code>
            </td>
          </tr>
          <tr>
            <td>model</td>
            <td>
              <code>{volume.model ?? '–'}</code>
            </td>
          </tr>
          {Object.entries(volume.other).map(([k, v]) => (
            <tr key={k}>
              <td>{k}</td>
              <td>
                <code>{show(v)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Curves(props: { run: RunDetail }) {
  const records = props.run.epochRecords as { epoch: number; trainLoss?: number; trainAccuracy?: number; val?: Record<string, unknown> }[];
  if (records.length === 0) return <p>No epoch finished yet.</p>;
  const series = (label: string, get: (r: (typeof records)[number]) => unknown) => ({ label, points: records.map((r) => [r.epoch, num(get(r))] as const) });
  return (
    <div className="charts" data-testid="curves">
      <LineChart
        testId="curve-loss"
        lines={[series('train loss', (r) => r.trainLoss), series('validation loss', (r) => r.val?.loss)]}
        options={{ title: 'loss', xLabel: 'epoch', yLabel: 'cross-entropy' }}
      />
      <LineChart
        testId="curve-metrics"
        lines={[
          series('train accuracy', (r) => r.trainAccuracy),
          ...['accuracy', 'balancedAccuracy', 'sensitivity', 'specificity'].map((k) => series(`val ${k}`, (r) => r.val?.[k])),
        ]}
        options={{ title: 'validation metrics', xLabel: 'epoch', yLabel: 'share', y: [0, 1] }}
      />
    </div>
  );
}

function TestMetrics(props: { run: RunDetail }) {
  const report = props.run.testReport;
  if (!report?.best?.metrics) return <p>No test result yet.</p>;
  const best = report.best.metrics;
  const ci = report.best.ci ?? {};
  const last = report.last?.metrics ?? {};
  const subject = report.best.subject;
  const sm = (subject?.metrics ?? {}) as Record<string, unknown>;
  const sci = (subject?.ci ?? {}) as Record<string, unknown>;
  const lastSubject = (report.last?.subject?.metrics ?? {}) as Record<string, unknown>;
  const calib = report.calibration;
  // A volume run's samples are people: its own figures are the per-subject ones.
  const unit = { slice: 'per slice', session: 'per scan session (one volume each)', subject: 'per subject (one volume each)' }[props.run.unit];
  return (
    <>
      <table data-testid="test-metrics">
        <thead>
          <tr>
            <th>metric</th>
            <th>
              {unit}, best epoch {report.best.epoch} (95 % CI)
            </th>
            <th>
              {unit}, last epoch {report.last?.epoch ?? '–'}
            </th>
            {subject && <th>per subject, best epoch (95 % CI by subject)</th>}
            {subject && <th>per subject, last epoch</th>}
          </tr>
        </thead>
        <tbody>
          {['sensitivity', 'specificity', 'accuracy', 'balancedAccuracy', 'auc', 'loss', 'precision', 'f1'].map((k) => (
            <tr key={k}>
              <td>{k}</td>
              <td>{withCi(best[k], ci[k])}</td>
              <td>{f3(last[k])}</td>
              {subject && <td data-testid={`subject-${k}`}>{withCi(sm[k], sci[k])}</td>}
              {subject && <td>{f3(lastSubject[k])}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="note">
        {report.samples} test {props.run.input === 'volume' ? 'volumes' : 'slices'}; selected by {report.selectedBy};{' '}
        {typeof ci.unit === 'string' ? `percentile bootstrap over ${ci.unit}s (${show(ci.resamples)} resamples)` : 'no bootstrap CI'}
        {report.best.collapsed ? '; the selected model collapsed to one class' : ''}
      </p>
      <p className="note" data-testid="subject-note">
        {subject
          ? `per subject: ${show(subject.subjects)} ${subject.reconstructed ? 'pseudo-subjects reconstructed from the images' : 'subjects'}, each counted once (${props.run.input === 'volume' ? 'the probabilities of their sessions’ volumes' : 'slice probabilities'} pooled by ${subject.rule ?? 'mean'})`
          : props.run.input === 'volume'
            ? 'per subject: each test sample is one person’s whole volume, so every figure above counts people'
            : 'no per-subject figures: the test slices have no subjects (slice-level grouping)'}
      </p>
      {calib?.test && (
        <p className="note" data-testid="calibration">
          calibration: {calib.method ?? 'ECE'} {f3(calib.test.ece)}
          {calib.temperature ? `; after temperature scaling (T=${f3(calib.temperature.value)}, fitted on validation) ${f3(calib.temperature.test.ece)}` : ''}
        </p>
      )}
    </>
  );
}

function Reliability(props: { runId: string }) {
  const url = useImage(`/api/runs/${encodeURIComponent(props.runId)}/files/plots/reliability.svg`);
  return url ? <img data-testid="reliability" src={url} alt="reliability diagram (test, best epoch)" style={{ maxWidth: '100%' }} /> : null;
}

/**
 * The twin rule in words, as the audit applied it (data/leakage-audit.ts): the same person at full
 * resolution, not a similar brain. Older runs recorded only the slice distance.
 */
function twinRule(t: { twinDistance: number; minTwinSlices?: number; consistentDistance?: number; consistentShare?: number; distinctRatio?: number }): string {
  if (t.consistentDistance === undefined || t.consistentShare === undefined) return `the same person at full resolution, distance ≤ ${t.twinDistance}`;
  const ratio = t.distinctRatio === undefined ? '' : `, each at most ${t.distinctRatio} × as far as from any other train person`;
  return `the same person at full resolution: at least ${Math.round(t.consistentShare * 100)} % of its slices (and ≥ ${t.minTwinSlices ?? 2}) within ${t.consistentDistance} of one train person${ratio}; a one-slice unit, a train slice within ${t.twinDistance}; an identical file, always`;
}

function DataAndSplit(props: { run: RunDetail }) {
  const { dataset, split, leakage } = props.run;
  const splits = split ? Object.keys(split.counts) : [];
  const classes = [...new Set(splits.flatMap((s) => Object.keys(split!.counts[s] ?? {})))];
  const exact = (leakage?.exactAcrossSplits ?? {}) as Record<string, number>;
  const near = (leakage?.nearAcrossSplits ?? {}) as Record<string, number>;
  const close = (leakage?.closeToTrain ?? []) as { split: string; items: number; withCloseTrainItem: number; share: number }[];
  // The per-subject twin check (the API sends its counts, never subject IDs or file names).
  const twins = leakage?.twins as
    | {
        unit: string;
        twinDistance: number;
        minTwinSlices?: number;
        consistentDistance?: number;
        consistentShare?: number;
        distinctRatio?: number;
        bySplit: { split: string; subjects: number; withTwinInTrain: number }[];
      }
    | undefined;
  return (
    <div data-testid="data-split">
      <p>
        layout <b>{dataset?.layout ?? '–'}</b>, {props.run.input === 'volume' ? `${dataset?.volumes ?? '–'} volumes` : `${dataset?.slices ?? '–'} slices`},
        fingerprint <code>{dataset?.fingerprint?.slice(0, 16) ?? '–'}</code>; split grouped by <b>{split?.grouping ?? '–'}</b> (seed {split?.seed ?? '–'}
        {split?.groups !== null && split?.groups !== undefined ? `, groups ${show(split.groups)}` : ''})
      </p>
      {splits.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>split</th>
              {classes.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {splits.map((s) => (
              <tr key={s}>
                <td>{s}</td>
                {classes.map((c) => (
                  <td key={c}>{split!.counts[s]?.[c] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Leakage audit</h2>
      {leakage ? (
        <ul data-testid="leakage">
          <li>
            identical slices across splits:{' '}
            {Object.keys(exact).length
              ? Object.entries(exact)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(', ')
              : 'none'}
          </li>
          <li>
            near-duplicates across splits:{' '}
            {Object.keys(near).length
              ? Object.entries(near)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(', ')
              : 'none'}
          </li>
          {close.map((c) => (
            <li key={c.split}>
              {c.split}: {c.withCloseTrainItem} of {c.items} slices have a near-identical training slice ({(c.share * 100).toFixed(1)} %)
            </li>
          ))}
          {twins?.bySplit.map((b) => (
            <li key={`twins-${b.split}`} data-testid={`twins-${b.split}`}>
              {b.split}: {b.withTwinInTrain} of {b.subjects} {twins.unit}s have a twin in train ({twinRule(twins)})
            </li>
          ))}
        </ul>
      ) : (
        <p>No audit recorded.</p>
      )}
    </div>
  );
}

function KeyValues(props: { values: Record<string, unknown> | null; testId?: string }) {
  if (!props.values) return <p>–</p>;
  return (
    <table data-testid={props.testId}>
      <tbody>
        {Object.entries(props.values).map(([k, v]) => (
          <tr key={k}>
            <td>{k}</td>
            <td>
              <code>{show(v)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RunPage(props: { id: string }) {
  // While the run trains, the page re-reads it every 2 s: new epochs appear as they finish.
  const { data: run, error } = useApi<RunDetail>(`/api/runs/${encodeURIComponent(props.id)}`, { pollMs: 2000, poll: (r) => LIVE.has(r.status) });
  if (error) return <Failure error={error} />;
  if (!run) return <p>Loading run…</p>;
  const correct = run.cam.filter((c) => c.correct);
  const wrong = run.cam.filter((c) => !c.correct);
  return (
    <>
      <h1>
        {run.name ?? run.id} <StatusBadges status={run.status} flags={run.flags} />
      </h1>
      <p>
        <code>{run.id}</code> · {run.model} · <span data-testid="run-input">{run.input === 'volume' ? '3-D volumes' : '2-D slices'}</span> · {run.task} (
        {run.classes.join(', ')}) · epochs <span data-testid="epochs-done">{run.epochsDone}</span>
        {run.epochs ? ` / ${run.epochs}` : ''} · best epoch {run.bestEpoch ?? '–'}
        {LIVE.has(run.status) && <span className="live"> · live: updating every 2 s</span>}
      </p>
      {run.reason && <p className="error">{run.reason}</p>}
      <p>
        <a href={`#/predict?run=${encodeURIComponent(run.id)}`}>Predict with this model</a> ·{' '}
        <a href={`#/preprocess?run=${encodeURIComponent(run.id)}`}>See its preprocessing</a> ·{' '}
        <a href={`#/compare?runs=${encodeURIComponent(run.id)}`}>Compare…</a>
      </p>
      <div className="grid2">
        <section>
          <h2>Test metrics</h2>
          <TestMetrics run={run} />
          {run.files.includes('plots/reliability.svg') && <Reliability runId={run.id} />}
        </section>
        <section>
          <h2>Confusion matrix and ROC (test, best epoch)</h2>
          <div className="charts">
            {run.confusion ? <ConfusionMatrix matrix={run.confusion} classes={run.classes} title="confusion (true x predicted)" /> : <p>No test result yet.</p>}
            {run.roc.length > 0 && (
              <LineChart
                testId="roc"
                lines={run.roc.map((c) => ({ label: `${c.label}${c.auc !== null ? ` AUC ${f3(c.auc)}` : ''}`, points: c.points }))}
                options={{
                  title: 'ROC',
                  xLabel: 'false positive rate',
                  yLabel: 'true positive rate',
                  x: [0, 1],
                  y: [0, 1],
                  diagonal: true,
                  width: 360,
                  height: 300,
                }}
              />
            )}
          </div>
        </section>
      </div>
      <VolumeSettingsTable run={run} />
      <section>
        <h2>Learning curves</h2>
        <Curves run={run} />
      </section>
      <section>
        <h2>{run.input === 'volume' ? '3-D Grad-CAM of test volumes: axial, coronal and sagittal planes through the peak' : 'Grad-CAM of test slices'}</h2>
        {run.cam.length === 0 && <p>No Grad-CAM images (the test phase has not run, or camSamples was 0).</p>}
        {run.cam.length > 0 && (
          <>
            <h3>Correct ({correct.length})</h3>
            <div className="gallery" data-testid="cam-correct">
              {correct.map((c) => (
                <CamFigure key={c.index} runId={run.id} cam={c} volume={run.input === 'volume'} />
              ))}
              {correct.length === 0 && <p>none</p>}
            </div>
            <h3>Wrong ({wrong.length})</h3>
            <div className="gallery" data-testid="cam-wrong">
              {wrong.map((c) => (
                <CamFigure key={c.index} runId={run.id} cam={c} volume={run.input === 'volume'} />
              ))}
              {wrong.length === 0 && <p>none</p>}
            </div>
          </>
        )}
      </section>
      <section>
        <h2>Data set and split</h2>
        <DataAndSplit run={run} />
      </section>
      <div className="grid2">
        <section>
          <h2>Full config (every default written out)</h2>
          <KeyValues values={run.config} testId="config" />
        </section>
        <section>
          <h2>Settings as given</h2>
          <KeyValues values={run.given} />
          <h2>Code and machine</h2>
          <KeyValues
            values={{
              code: run.codeVersion,
              device: run.device,
              ...(run.machine ?? {}),
              created: run.createdAt,
              started: run.startedAt,
              finished: run.finishedAt,
            }}
          />
        </section>
      </div>
    </>
  );
}
