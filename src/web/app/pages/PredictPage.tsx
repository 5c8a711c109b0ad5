// Predict: pick a trained run's model, upload a slice (slice runs) or a NIfTI volume (volume runs),
// see class probabilities and the Grad-CAM heat map of the predicted class (for a volume, three
// orthogonal planes through the 3-D map's peak). The upload goes to the server's memory only.
import { useState, type ChangeEvent } from 'react';
import type { ModelChoice, PredictResponse } from '../../../server/api-types';
import { postFile, useApi } from '../api';
import { Failure } from '../ui';

export function PredictPage(props: { query: URLSearchParams }) {
  const { data, error } = useApi<{ models: ModelChoice[] }>('/api/models');
  const [chosen, setChosen] = useState(props.query.get('run') ?? '');
  const [result, setResult] = useState<PredictResponse>();
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState(false);
  if (error) return <Failure error={error} />;
  if (!data) return <p>Loading models…</p>;
  const runId = chosen || data.models[0]?.id || '';
  const model = data.models.find((m) => m.id === runId);
  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file || !runId) return;
    setBusy(true);
    setFailure(undefined);
    setResult(undefined);
    try {
      setResult(await postFile<PredictResponse>(`/api/predict?run=${encodeURIComponent(runId)}`, file));
    } catch (err) {
      setFailure(err as Error);
    } finally {
      setBusy(false);
      e.target.value = '';
    }
  };
  return (
    <>
      <h1>Predict</h1>
      <section>
        <div className="filters">
          <label>
            model (a trained run)
            <select value={runId} onChange={(e) => setChosen(e.target.value)} aria-label="model">
              {data.models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name ?? m.id} ({m.model}, {m.input}, {m.status})
                </option>
              ))}
            </select>
          </label>
          {model?.input === 'volume' ? (
            <label>
              volume (NIfTI .nii or .nii.gz; at most 64 MiB, 512 voxels per axis)
              <input type="file" accept=".nii,.gz,application/gzip" onChange={upload} disabled={!runId || busy} aria-label="upload volume" />
            </label>
          ) : (
            <label>
              slice (PNG, JPEG, BMP, TIFF or WebP; at most 5 MiB)
              <input
                type="file"
                accept="image/png,image/jpeg,image/bmp,image/tiff,image/webp"
                onChange={upload}
                disabled={!runId || busy}
                aria-label="upload slice"
              />
            </label>
          )}
        </div>
        {model && model.input === 'volume' && (
          <p className="note" data-testid="predict-input">
            whole 3-D volume: reoriented to RAS+, cropped to the brain, z-scored, cropped or padded to {model.volumeShape?.join('x') ?? 'the model input'}{' '}
            voxels; classes {model.classes.join(', ')}
          </p>
        )}
        {model && model.input !== 'volume' && (
          <p className="note" data-testid="predict-input">
            input {model.imageSize?.join('x') ?? 'auto'} after <code>{model.pipeline ?? 'none'}</code>; classes {model.classes.join(', ')}
          </p>
        )}
        {data.models.length === 0 && <p>No run has a checkpoint yet.</p>}
        <p className="note">An auxiliary indicator for research, not a diagnosis.</p>
      </section>
      {busy && <p>Predicting…</p>}
      {failure && <Failure error={failure} />}
      {result && (
        <section className="predict" data-testid="prediction">
          <h2>
            Predicted: <span data-testid="predicted">{result.predicted}</span>
          </h2>
          <table className="bars" data-testid="probabilities">
            <tbody>
              {Object.entries(result.probabilities).map(([c, p]) => (
                <tr key={c}>
                  <td>{c}</td>
                  <td>
                    <div className="bar" style={{ width: `${(p * 100).toFixed(1)}%` }} />
                  </td>
                  <td>{p.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="gallery">
            <figure>
              <img src={result.input} width={Math.max(160, result.width)} alt="model input" />
              <figcaption>
                model input ({result.volume ? `${result.volume.shape.join('x')} voxels; axial, coronal, sagittal` : `${result.width}x${result.height}`})
              </figcaption>
            </figure>
            <figure>
              <img src={result.overlay} width={Math.max(160, result.width)} alt="Grad-CAM heat map" data-testid="heatmap" />
              <figcaption>
                {result.volume
                  ? `3-D Grad-CAM of ${result.predicted}: planes through the peak at voxel (${result.volume.peak.join(', ')})`
                  : `Grad-CAM of ${result.predicted}`}
              </figcaption>
            </figure>
          </div>
          <p className="note">
            {result.model}, checkpoint of epoch {result.checkpointEpoch}
          </p>
        </section>
      )}
    </>
  );
}
