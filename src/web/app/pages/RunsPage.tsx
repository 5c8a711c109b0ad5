// The runs table: every stored run, sortable, filtered by status, tag, model, input (slice or
// volume) and sweep, with a selection to compare. Each row says what its test figures count.
import { useMemo, useState } from 'react';
import type { RunSummary, RunsResponse } from '../../../server/api-types';
import { useApi } from '../api';
import { f3 } from '../format';
import { Failure, go } from '../ui';

type SortKey = 'created' | 'name' | 'status' | 'model' | 'input' | 'epochs' | 'balancedAccuracy' | 'sensitivity' | 'accuracy' | 'auc';

const COLUMNS: { key: SortKey; label: string; value: (r: RunSummary) => string | number | null }[] = [
  { key: 'created', label: 'created', value: (r) => r.createdAt },
  { key: 'name', label: 'run', value: (r) => r.name ?? r.id },
  { key: 'status', label: 'status', value: (r) => r.status },
  { key: 'model', label: 'model', value: (r) => r.model },
  { key: 'input', label: 'input', value: (r) => r.input },
  { key: 'epochs', label: 'epochs', value: (r) => r.epochsDone },
  { key: 'balancedAccuracy', label: 'test bal. acc.', value: (r) => r.test.balancedAccuracy },
  { key: 'sensitivity', label: 'sensitivity', value: (r) => r.test.sensitivity },
  { key: 'accuracy', label: 'accuracy', value: (r) => r.test.accuracy },
  { key: 'auc', label: 'AUC', value: (r) => r.test.auc },
];

/** Badges for a run's status and warning flags. */
export function StatusBadges(props: { status: string; flags: readonly string[] }) {
  return (
    <>
      <span className={`badge ${props.status}`} data-testid="status">
        {props.status}
      </span>
      {props.flags
        .filter((f) => f !== props.status)
        .map((f) => (
          <span key={f} className={`badge ${f}`}>
            {f}
          </span>
        ))}
    </>
  );
}

export function RunsPage() {
  // Polled, so new runs and status changes appear without a reload.
  const { data, error } = useApi<RunsResponse>('/api/runs', { pollMs: 5000 });
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'created', descending: true });
  const [filter, setFilter] = useState({ status: '', tag: '', model: '', input: '', sweep: '', text: '' });
  const [selected, setSelected] = useState<Set<string>>(new Set());

  const runs = useMemo(() => {
    if (!data) return [];
    const column = COLUMNS.find((c) => c.key === sort.key)!;
    const text = filter.text.toLowerCase();
    return data.runs
      .filter(
        (r) =>
          (!filter.status || r.status === filter.status) &&
          (!filter.tag || r.tags.includes(filter.tag)) &&
          (!filter.model || r.model === filter.model) &&
          (!filter.input || r.input === filter.input) &&
          (!filter.sweep || r.sweepId === filter.sweep),
      )
      .filter((r) => !text || `${r.id} ${r.name ?? ''} ${r.pipeline ?? ''}`.toLowerCase().includes(text))
      .sort((a, b) => {
        const x = column.value(a);
        const y = column.value(b);
        // Missing values sort last either way.
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
        const order = x < y ? -1 : x > y ? 1 : 0;
        return sort.descending ? -order : order;
      });
  }, [data, sort, filter]);

  if (error) return <Failure error={error} />;
  if (!data) return <p>Loading runs…</p>;
  const options = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => !!v))].sort();
  const pick = (key: keyof typeof filter, label: string, values: string[]) => (
    <label>
      {label}
      <select value={filter[key]} onChange={(e) => setFilter({ ...filter, [key]: e.target.value })} aria-label={`filter ${label}`}>
        <option value="">all</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  return (
    <>
      <h1>
        Runs ({runs.length} of {data.runs.length})
      </h1>
      <div className="filters">
        {pick('status', 'status', options(data.runs.map((r) => r.status)))}
        {pick('tag', 'tag', options(data.runs.flatMap((r) => [...r.tags])))}
        {pick('model', 'model', options(data.runs.map((r) => r.model)))}
        {pick('input', 'input', options(data.runs.map((r) => r.input)))}
        {pick('sweep', 'sweep', options(data.runs.map((r) => r.sweepId)))}
        <label>
          search
          <input value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} placeholder="id, name, pipeline" />
        </label>
        <button
          type="button"
          disabled={selected.size < 2}
          onClick={() => go(`#/compare?runs=${[...selected].map(encodeURIComponent).join(',')}`)}
          data-testid="compare-selected"
        >
          Compare selected ({selected.size})
        </button>
        {filter.sweep && (
          <button type="button" onClick={() => go(`#/compare?sweep=${encodeURIComponent(filter.sweep)}`)}>
            Compare sweep
          </button>
        )}
      </div>
      <section>
        <table data-testid="runs-table">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="select all shown"
                  checked={runs.length > 0 && runs.every((r) => selected.has(r.id))}
                  onChange={(e) => setSelected(e.target.checked ? new Set(runs.map((r) => r.id)) : new Set())}
                />
              </th>
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  className="sortable"
                  onClick={() => setSort({ key: c.key, descending: sort.key === c.key ? !sort.descending : c.key !== 'name' })}
                >
                  {c.label}
                  {sort.key === c.key ? (sort.descending ? ' ▼' : ' ▲') : ''}
                </th>
              ))}
              <th>figures per</th>
              <th>pipeline</th>
              <th>tags / sweep</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-run={r.id}>
                <td>
                  <input type="checkbox" aria-label={`select ${r.id}`} checked={selected.has(r.id)} onChange={() => toggle(r.id)} />
                </td>
                <td>{r.createdAt.replace('T', ' ').slice(0, 19)}</td>
                <td>
                  <a href={`#/runs/${encodeURIComponent(r.id)}`}>{r.name ?? r.id}</a>
                  {r.name && <div className="note">{r.id}</div>}
                </td>
                <td>
                  <StatusBadges status={r.status} flags={r.flags} />
                </td>
                <td>{r.model ?? '–'}</td>
                <td data-testid="input-kind">{r.input}</td>
                <td>
                  {r.epochsDone}
                  {r.epochs ? ` / ${r.epochs}` : ''}
                </td>
                <td>{f3(r.test.balancedAccuracy)}</td>
                <td>{f3(r.test.sensitivity)}</td>
                <td>{f3(r.test.accuracy)}</td>
                <td>{f3(r.test.auc)}</td>
                <td data-testid="figure-unit">{r.unit}</td>
                <td>
                  <code>{r.pipeline ?? '–'}</code>
                </td>
                <td>
                  {r.tags.map((t) => (
                    <span key={t} className="badge">
                      {t}
                    </span>
                  ))}
                  {r.sweepId && (
                    <span className="note">
                      {r.sweepId}{' '}
                      {Object.entries(r.point)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(' ')}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {data.runs.length === 0 && (
          <p>
            No runs yet: train one with <code>alzbench train</code> or run a sweep.
          </p>
        )}
      </section>
    </>
  );
}
