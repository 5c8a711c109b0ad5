// Compare runs or a sweep: the study-shaped table (only differing parameters), CIs, McNemar
// against a pinned baseline, overlaid curves, and parallel coordinates over the parameters. Each
// row says whether it is a slice or a volume run and whether its figures count slices or subjects.
import type { CompareResponse, RunsResponse } from '../../../server/api-types';
import { useApi } from '../api';
import { LineChart, ParallelCoordinates } from '../charts';
import { f3, fp, withCi } from '../format';
import { Failure, go } from '../ui';
import { StatusBadges } from './RunsPage';

function Picker() {
  const { data, error } = useApi<RunsResponse>('/api/runs');
  if (error) return <Failure error={error} />;
  if (!data) return <p>Loading…</p>;
  return (
    <>
      <h1>Compare</h1>
      <p>
        Select runs in the <a href="#/runs">runs table</a> and press “Compare selected”, or compare a whole sweep:
      </p>
      <ul>
        {data.sweeps.map((s) => (
          <li key={s.id}>
            <a href={`#/compare?sweep=${encodeURIComponent(s.id)}`}>{s.name}</a>
          </li>
        ))}
        {data.sweeps.length === 0 && <li>no sweeps stored</li>}
      </ul>
    </>
  );
}

/**
 * A row's per-subject figures: a slice run's pooled subject figures, or a volume run's own
 * figures (its samples are people), so slice and volume runs line up in these columns.
 */
function perSubject(r: CompareResponse['rows'][number]): { balancedAccuracy: string; auc: string } {
  if (r.subject) return { balancedAccuracy: withCi(r.subject.balancedAccuracy, r.subject.ci?.balancedAccuracy), auc: f3(r.subject.auc) };
  if (r.unit === 'subject' && r.input === 'volume') return { balancedAccuracy: withCi(r.best.balancedAccuracy, r.ci?.balancedAccuracy), auc: f3(r.best.auc) };
  return { balancedAccuracy: '–', auc: '–' };
}

export function ComparePage(props: { query: URLSearchParams }) {
  const runs = props.query.get('runs');
  const sweep = props.query.get('sweep');
  const baseline = props.query.get('baseline');
  const path =
    runs || sweep
      ? `/api/compare?${runs ? `runs=${encodeURIComponent(runs)}` : `sweep=${encodeURIComponent(sweep!)}`}${baseline ? `&baseline=${encodeURIComponent(baseline)}` : ''}`
      : null;
  const { data, error } = useApi<CompareResponse>(path);
  if (!path) return <Picker />;
  if (error) return <Failure error={error} />;
  if (!data) return <p>Comparing…</p>;
  const pin = (id: string) => {
    const q = new URLSearchParams(props.query);
    q.set('baseline', id);
    go(`#/compare?${q.toString()}`);
  };
  const curve = (title: string, yLabel: string, key: 'valBalancedAccuracy' | 'valLoss' | 'trainLoss', testId: string) => (
    <LineChart
      testId={testId}
      lines={data.rows.map((r) => ({
        label: data.curves[r.id]?.label ?? r.id,
        points: (data.curves[r.id]?.epochs ?? []).map((e) => [e.epoch, e[key] ?? NaN] as const),
      }))}
      options={{ title, xLabel: 'epoch', yLabel, width: 480 }}
    />
  );
  const metricAxes = ['test bal. acc.', 'sensitivity'];
  return (
    <>
      <h1>Compare {data.title}</h1>
      <section>
        <table data-testid="compare-table">
          <thead>
            <tr>
              <th>baseline</th>
              <th>run</th>
              {data.columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
              <th>status</th>
              <th>input</th>
              <th>figures per</th>
              <th>sensitivity (95 % CI)</th>
              <th>specificity</th>
              <th>accuracy (95 % CI)</th>
              <th>bal. acc.</th>
              <th>AUC</th>
              <th>bal. acc. per subject (95 % CI)</th>
              <th>AUC per subject</th>
              <th>loss</th>
              <th>s/epoch</th>
              <th>last-epoch bal. acc.</th>
              <th>McNemar p (Holm)</th>
              <th>verdict</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.id} className={r.id === data.baseline ? 'baseline' : ''} data-run={r.id}>
                <td>
                  <button
                    type="button"
                    onClick={() => pin(r.id)}
                    disabled={r.id === data.baseline}
                    aria-label={`pin ${r.id} as baseline`}
                    title="pin as baseline"
                  >
                    {r.id === data.baseline ? 'baseline' : 'pin'}
                  </button>
                </td>
                <td>
                  <a href={`#/runs/${encodeURIComponent(r.id)}`}>{r.name ?? r.id}</a>
                </td>
                {data.columns.map((c) => (
                  <td key={c}>{r.params[c]}</td>
                ))}
                <td>
                  <StatusBadges status={r.status} flags={r.flags} />
                </td>
                <td data-testid="compare-input">{r.input}</td>
                <td data-testid="compare-unit">{r.unit}</td>
                <td>{withCi(r.best.sensitivity, r.ci?.sensitivity)}</td>
                <td>{f3(r.best.specificity)}</td>
                <td>{withCi(r.best.accuracy, r.ci?.accuracy)}</td>
                <td>{f3(r.best.balancedAccuracy)}</td>
                <td>{f3(r.best.auc)}</td>
                <td data-testid="subject-bal-acc">{perSubject(r).balancedAccuracy}</td>
                <td>{perSubject(r).auc}</td>
                <td>{f3(r.best.loss)}</td>
                <td>{r.secondsPerEpoch === null ? '–' : r.secondsPerEpoch.toFixed(1)}</td>
                <td>{f3(r.last?.balancedAccuracy)}</td>
                <td data-testid="mcnemar">{r.mcnemar ? `${fp(r.mcnemar.pValue)} (${fp(r.mcnemar.pHolm)})` : '–'}</td>
                <td>{r.verdict}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <ul className="note">
          {data.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      </section>
      <section>
        <h2>Curves</h2>
        <div className="charts">
          {curve('validation balanced accuracy', 'balanced accuracy', 'valBalancedAccuracy', 'compare-curve-balacc')}
          {curve('validation loss', 'loss', 'valLoss', 'compare-curve-valloss')}
          {curve('training loss', 'loss', 'trainLoss', 'compare-curve-trainloss')}
        </div>
      </section>
      {data.parameters.length > 0 && (
        <section>
          <h2>Parallel coordinates</h2>
          <ParallelCoordinates
            title="parameters → test metrics"
            axes={[...data.parameters, ...metricAxes]}
            fixed={{ 'test bal. acc.': [0, 1], sensitivity: [0, 1] }}
            rows={data.rows.map((r) => ({
              label: r.name ?? r.id,
              values: { ...r.params, 'test bal. acc.': r.best.balancedAccuracy, sensitivity: r.best.sensitivity },
            }))}
          />
        </section>
      )}
    </>
  );
}
