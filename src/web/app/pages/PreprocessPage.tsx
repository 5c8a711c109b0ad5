// Preprocessing: pick a slice (upload one, or a run's test slice by index) and a chain, and see
// the image after every step.
import { useState, type ChangeEvent } from 'react';
import type { ChainsResponse, PreprocessResponse, RunsResponse, TestSlicesResponse } from '../../../server/api-types';
import { getJson, postFile, useApi } from '../api';
import { Failure } from '../ui';

export function PreprocessPage(props: { query: URLSearchParams }) {
  const chains = useApi<ChainsResponse>('/api/chains');
  const runs = useApi<RunsResponse>('/api/runs');
  const [runId, setRunId] = useState(props.query.get('run') ?? '');
  const slices = useApi<TestSlicesResponse>(runId ? `/api/runs/${encodeURIComponent(runId)}/test-slices` : null);
  const run = runs.data?.runs.find((r) => r.id === runId);
  const [chain, setChain] = useState<string | null>(null);
  const [slice, setSlice] = useState('0');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<PreprocessResponse>();
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const spec = chain ?? (run?.pipeline && run.pipeline !== 'none' ? run.pipeline : (chains.data?.presets[0]?.spec ?? 'grayscale'));
  if (chains.error) return <Failure error={chains.error} />;
  const apply = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const q = `chain=${encodeURIComponent(spec)}`;
      setResult(
        file
          ? await postFile<PreprocessResponse>(`/api/preprocess?${q}`, file)
          : await getJson<PreprocessResponse>(`/api/preprocess?${q}&run=${encodeURIComponent(runId)}&slice=${encodeURIComponent(slice)}`),
      );
    } catch (e) {
      setFailure(e as Error);
      setResult(undefined);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Preprocessing</h1>
      <section>
        <div className="filters">
          <label>
            preset
            <select value="" onChange={(e) => e.target.value && setChain(e.target.value)} aria-label="chain preset">
              <option value="">choose…</option>
              {chains.data?.presets.map((p) => (
                <option key={p.name} value={p.spec}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label style={{ flex: 1 }}>
            chain
            <input value={spec} onChange={(e) => setChain(e.target.value)} aria-label="chain" style={{ width: '100%' }} />
          </label>
        </div>
        <p className="note">modules: {chains.data?.modules.join(' · ')}</p>
        <div className="filters">
          <label>
            slice from a run's test split
            <select value={runId} onChange={(e) => setRunId(e.target.value)} aria-label="run">
              <option value="">–</option>
              {runs.data?.runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name ?? r.id}
                </option>
              ))}
            </select>
          </label>
          <label>
            test slice
            <select value={slice} onChange={(e) => setSlice(e.target.value)} aria-label="test slice" disabled={!slices.data}>
              {slices.data?.slices.map((s) => (
                <option key={s.index} value={s.index}>
                  #{s.index} ({s.label})
                </option>
              ))}
            </select>
          </label>
          <label>
            or upload a slice
            <input
              type="file"
              accept="image/png,image/jpeg,image/bmp,image/tiff,image/webp"
              onChange={(e: ChangeEvent<HTMLInputElement>) => setFile(e.target.files?.[0] ?? null)}
              aria-label="upload slice"
            />
          </label>
          <button type="button" onClick={apply} disabled={busy || (!file && !runId)}>
            {busy ? 'Running…' : 'Run chain'}
          </button>
        </div>
      </section>
      {failure && <Failure error={failure} />}
      {result && (
        <section>
          <h2>
            <code>{result.chain}</code>
          </h2>
          <div className="steps" data-testid="steps">
            {result.steps.map((s, i) => (
              <figure key={i}>
                <img src={s.png} alt={s.label} style={{ maxWidth: 256, maxHeight: 256 }} />
                <figcaption>
                  {i === 0 ? 'input' : `${i}. ${s.label}`} · {s.width}x{s.height}
                  {s.channels === 3 ? ' RGB' : ''}
                </figcaption>
              </figure>
            ))}
          </div>
        </section>
      )}
    </>
  );
}
