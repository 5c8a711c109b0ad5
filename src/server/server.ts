/**
 * The dashboard's HTTP server: a JSON API over the run store (`/api/...`) and the built web app,
 * in one Fastify process. Safety rules live here: loopback by default, a bearer token for every
 * request but the web app's own files when one is set (required beyond loopback; decided on the
 * routed path), uploads kept in memory with a size, type and declared-pixel limit (NIfTI volumes,
 * for volume runs only: their own size limit and a declared-voxel limit), run files
 * served only from an allow-list inside their run folder, test slices only from allowed data
 * roots with their recorded content hash, and no request logging (URLs and bodies never reach a
 * log; a 5xx writes one line naming the route pattern and the error).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { compareRuns } from '../report/compare.js';
import { syncRunFolder, syncRunsDir } from '../store/sync.js';
import type { RunStore, StoredRun } from '../store/types.js';
import { AlzbenchError } from '../util/errors.js';
import type { ApiError, ChainsResponse, CompareResponse, ModelChoice, RunsResponse, TestSlicesResponse } from './api-types.js';
import { checkBindSafety, isLoopbackHost, tokenMatches } from './auth.js';
import { HttpError, notFound } from './http-error.js';
import { decodeUpload, decodeVolumeUpload, ModelCache, predictSlice, predictVolume, preprocessSteps } from './inference.js';
import { DataRoots } from './data-roots.js';
import { SerialQueue } from './serial-queue.js';
import type { TrainedModel } from '../models/load-trained.js';
import { camParams, compareQuery, fileParams, parseRoute, predictQuery, preprocessSliceQuery, preprocessUploadQuery, runParams } from './route-schemas.js';
import { containedFile } from './safe-path.js';
import { isInside } from '../util/is-inside.js';
import { contentType, DEFAULT_WEB_DIR, readWebFile } from './static-files.js';
import { camEntries, figureUnit, hasCheckpoint, inputKind, isServedFile, runDetail, runSummary, volumeSettings } from './views.js';
import { decodeImage } from '../data/decode-image.js';
import { UPLOAD_IMAGE_LIMITS } from '../data/image-limits.js';

/** Content types an upload may have. */
export const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/bmp', 'image/tiff', 'image/webp'] as const;
/** Default upload limit: 5 MiB (a slice is tens of kB). */
export const DEFAULT_UPLOAD_LIMIT = 5 * 1024 * 1024;
/** Content types a volume upload (`.nii` as octet-stream, `.nii.gz` as gzip) may have; only predict with a volume run takes them. */
export const VOLUME_UPLOAD_TYPES = ['application/gzip', 'application/x-gzip', 'application/octet-stream'] as const;
/** Default volume upload limit: 64 MiB (a 1 mm T1 is ~10-30 MB as .nii.gz, 32 MB as int16 .nii). */
export const DEFAULT_VOLUME_UPLOAD_LIMIT = 64 * 1024 * 1024;
/**
 * Predictions (slice or volume) that may wait while one runs; more are answered 503. Waiting
 * requests hold only their upload (at most the upload limit each).
 */
export const MAX_WAITING_PREDICTIONS = 3;

/** Options of {@link createServer}. */
export interface ServerOptions {
  readonly store: RunStore;
  /** Folder of run folders read into the store (default `runs`); null: the store only. */
  readonly runsDir?: string | null;
  /** Address the caller will bind (default 127.0.0.1); decides whether a token is required. */
  readonly host?: string;
  /** Bearer token every API call must carry (required when `host` is not loopback). */
  readonly token?: string;
  /** Largest upload in bytes (default {@link DEFAULT_UPLOAD_LIMIT}). */
  readonly uploadLimit?: number;
  /** Largest volume upload in bytes (default {@link DEFAULT_VOLUME_UPLOAD_LIMIT}). */
  readonly volumeUploadLimit?: number;
  /** The built web app (default `dist/dashboard`). */
  readonly webDir?: string;
  /**
   * Folders the preprocessing page may open test slices from (`serve --data-root`). Default: each
   * run's recorded data set root; either way a file is shown only if its content hash is the one
   * the run recorded (see data-roots.ts).
   */
  readonly dataRoots?: readonly string[];
  /**
   * The queue every model prediction runs through, one at a time (default: a new one admitting
   * {@link MAX_WAITING_PREDICTIONS} waiting). Servers in one process may share one: they share
   * the cores.
   */
  readonly predictions?: SerialQueue;
}

/** Study chains offered on the preprocessing page (SEED.md chains (a) and (b)). */
const CHAIN_PRESETS = [
  { name: 'study (a): VGG19 chain', spec: 'grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)' },
  { name: 'study (a) with invert', spec: 'grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)|invert' },
  { name: 'study (b): multiply merge', spec: 'grayscale|resize(256,256)|smooth(gaussian,k=11)|merge(multiply,smooth=gaussian,k=11)' },
  { name: 'study (b): overlap 4/-4', spec: 'grayscale|resize(256,256)|merge(overlap,smooth=gaussian,k=11,w1=4,w2=-4)' },
];
const MODULE_HELP = [
  'grayscale',
  'invert',
  'open(k,shape=rect|ellipse|cross,iter)',
  'clahe(clip,tile)',
  'smooth(average|median|gaussian,k)',
  'merge(multiply|overlap,smooth,k,w1,w2,offset=128)',
  'resize(width,height)',
  'normalize(min,max)',
];

/** The route of the built web app's files: the one route served without the token. */
const WEB_APP_ROUTE = '/*';
const isWebAppRequest = (request: FastifyRequest): boolean =>
  request.routeOptions.url === WEB_APP_ROUTE && (request.method === 'GET' || request.method === 'HEAD');

const errorBody = (status: number, message: string, hint?: string): ApiError => ({ error: { status, message, ...(hint ? { hint } : {}) } });

/**
 * Builds the server (not yet listening). Refuses a non-loopback `host` without a token.
 *
 * @example
 * const app = await createServer({ store: await openStore('alzbench.db'), runsDir: 'runs' });
 * await app.listen({ host: '127.0.0.1', port: 8765 });
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token || undefined;
  checkBindSafety(host, token);
  const { store } = options;
  const runsDir = options.runsDir === undefined ? 'runs' : options.runsDir;
  const uploadLimit = options.uploadLimit ?? DEFAULT_UPLOAD_LIMIT;
  const volumeUploadLimit = options.volumeUploadLimit ?? DEFAULT_VOLUME_UPLOAD_LIMIT;
  const isVolumeUpload = (request: FastifyRequest) =>
    (VOLUME_UPLOAD_TYPES as readonly string[]).includes((request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase());
  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  const models = new ModelCache(2);
  // One queue for slice and volume predictions alike. libtorch already spreads one forward pass
  // (and Grad-CAM's backward) over every core, so on a 2-core server two predictions at once do
  // not finish sooner in total: each takes about twice as long, and each holds a model, its
  // activations and (for a volume) up to 256 MiB of voxels. One at a time, every answer comes as
  // early as it can and memory stays bounded; a slice waits behind a volume for a few seconds.
  const predictions = options.predictions ?? new SerialQueue(MAX_WAITING_PREDICTIONS, 'predictions');
  const dataRoots = new DataRoots(options.dataRoots);

  // No logger: request URLs and upload names must not end up in logs.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.addHook('onClose', async () => models.clear());

  // ---- safety hooks -------------------------------------------------------------------------
  app.addHook('onRequest', async (request, reply) => {
    if (!token) {
      // Loopback without a token: refuse foreign Host headers, so a web page the user visits
      // cannot reach the API through DNS rebinding.
      const hostHeader = (request.headers.host ?? '').replace(/:\d+$/, '');
      if (!isLoopbackHost(hostHeader))
        return reply
          .code(403)
          .send(errorBody(403, `Refusing Host ${JSON.stringify(hostHeader)}: this dashboard serves loopback only`, 'open it as http://127.0.0.1:<port>/'));
      // An absolute-form request line names its host itself (RFC 9112 3.2.2), and that one counts.
      const target = request.raw.url ?? '/';
      if (!target.startsWith('/')) {
        let targetHost = '';
        try {
          targetHost = new URL(target).hostname;
        } catch {
          // not a URL: refused below with an empty name
        }
        if (!isLoopbackHost(targetHost))
          return reply
            .code(403)
            .send(errorBody(403, `Refusing Host ${JSON.stringify(targetHost)}: this dashboard serves loopback only`, 'open it as http://127.0.0.1:<port>/'));
      }
      return;
    }
    // Decided on the route the router chose (after it decoded and normalized the path), not on the
    // raw URL: `/%61pi/runs` and `GET http://host/api/runs` route to the API like `/api/runs` does.
    // Everything needs the token except GET/HEAD of the web app's static files; unrouted requests
    // (404s) need it too. onRequest runs before any body is read.
    if (!isWebAppRequest(request) && !tokenMatches(request.headers.authorization, token)) {
      reply.header('www-authenticate', 'Bearer');
      return reply
        .code(401)
        .send(
          errorBody(
            401,
            'Missing or wrong token: this dashboard needs "Authorization: Bearer <token>" on every API call',
            'use the token given to alzbench serve --token',
          ),
        );
    }
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('content-security-policy')) {
      reply.header(
        'content-security-policy',
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; frame-ancestors 'none'",
      );
    }
    reply.header('cache-control', 'no-store');
    return payload;
  });

  // Uploads: raw image bytes as the body, typed, limited, held in memory only. No endpoint takes
  // JSON or text bodies, so Fastify's default parsers go: any other type is a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...UPLOAD_TYPES], { parseAs: 'buffer', bodyLimit: uploadLimit }, (_request, body, done) => done(null, body));
  // Volume types are parsed everywhere (so other routes can say they take none, 415) within the
  // image limit; only /api/predict (registered in its own scope below) takes them up to volumeUploadLimit.
  app.addContentTypeParser([...VOLUME_UPLOAD_TYPES], { parseAs: 'buffer', bodyLimit: uploadLimit }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof HttpError) return reply.code(error.status).send(errorBody(error.status, error.message, error.hint));
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' && isVolumeUpload(request) && request.routeOptions.url === '/api/predict') {
      return reply
        .code(413)
        .send(
          errorBody(
            413,
            `Expected a volume upload of at most ${volumeUploadLimit} bytes (${(volumeUploadLimit / 1048576).toFixed(1)} MiB) but received more`,
            'upload one 3-D volume (.nii.gz)',
          ),
        );
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .send(
          errorBody(
            413,
            `Expected an upload of at most ${uploadLimit} bytes (${(uploadLimit / 1048576).toFixed(1)} MiB) but received more`,
            'upload a single slice',
          ),
        );
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      const type = request.headers['content-type'] ?? 'none';
      return reply
        .code(415)
        .send(
          errorBody(
            415,
            `Expected an image upload (Content-Type ${UPLOAD_TYPES.join(', ')}) but received Content-Type ${JSON.stringify(type)}`,
            `a volume run takes a NIfTI volume as ${VOLUME_UPLOAD_TYPES.join(', ')}`,
          ),
        );
    }
    if (error instanceof AlzbenchError) return reply.code(400).send(errorBody(400, error.message, error.hint));
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    // Every 5xx leaves one line on stderr for the operator: method, route pattern (never the URL,
    // which may carry ids and queries) and the error's message.
    if (status >= 500)
      process.stderr.write(
        `alzbench serve: ${status} ${request.method} ${request.routeOptions.url ?? '(no route)'}: ${(error.message ?? String(error)).split('\n')[0]}\n`,
      );
    // Internal errors: a generic message to the client; the detail could quote paths of the machine.
    return reply.code(status).send(errorBody(status, status === 500 ? 'Internal error' : error.message));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody(404, `Not found: ${request.method} ${request.url.split('?')[0]}`));
  });

  // ---- keeping the store in step with run folders ---------------------------------------------
  let syncing: Promise<void> | null = null;
  let lastSync = 0;
  /** Reads changed run folders into the store, at most once a second, one sync at a time. */
  const refresh = async (): Promise<void> => {
    if (runsDir === null) return;
    if (syncing) return syncing;
    if (Date.now() - lastSync < 1000) return;
    syncing = syncRunsDir(store, runsDir)
      .then(() => undefined)
      .finally(() => {
        lastSync = Date.now();
        syncing = null;
      });
    return syncing;
  };
  /**
   * Whether a stored run folder sits in runsDir by its path but really lies outside it (a symbolic
   * link out, indexed before sync refused them): its files are not served. Runs stored from other
   * folders (a sweep's own runs dir) are not affected.
   */
  const linkedOutOfRunsDir = (dir: string | null): boolean => {
    if (runsDir === null || !dir || !isInside(resolve(runsDir), resolve(dir))) return false;
    try {
      return !isInside(realpathSync(runsDir), realpathSync(dir));
    } catch {
      return false; // a folder that is gone: the routes answer 404 for its files anyway
    }
  };
  const getRun = async (id: string): Promise<StoredRun> => {
    await refresh();
    let run = await store.getRun(id);
    if (!run || linkedOutOfRunsDir(run.dir)) throw notFound(`run ${JSON.stringify(id)}`);
    // A running run outside runsDir (a sweep elsewhere) is re-read from its own folder.
    if (run.status === 'running' && run.dir && existsSync(run.dir)) {
      if (await syncRunFolder(store, run.dir).catch(() => false)) run = (await store.getRun(id)) ?? run;
    }
    return run;
  };
  /** The run folder holding a checkpoint to predict with (409 when there is none). */
  const checkpointOf = (run: StoredRun): string => {
    if (!run.dir || !hasCheckpoint(run))
      throw new HttpError(409, `Run ${run.id} has no checkpoint to predict with`, 'pick a run that finished at least one epoch');
    return run.dir;
  };
  /** Runs `work` with the run's model, which stays alive until `work` settles even if evicted meanwhile. */
  const withModel = <T>(run: StoredRun, work: (trained: TrainedModel) => Promise<T>): Promise<T> =>
    // The key changes when a new best epoch is checkpointed, so a running run's model stays current.
    models.use(`${run.id}@${run.bestEpoch ?? 0}/${run.epochsDone}`, checkpointOf(run), work);
  const uploadOf = (request: FastifyRequest): Buffer => {
    const body = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0)
      throw new HttpError(400, `Expected an image as the request body (Content-Type ${UPLOAD_TYPES.join(', ')}) but received none`);
    return body;
  };

  // ---- API ----------------------------------------------------------------------------------
  app.get('/api/health', async () => ({ ok: true, store: store.kind }));

  app.get('/api/runs', async (): Promise<RunsResponse> => {
    await refresh();
    const runs = (await store.listRuns()).filter((r) => !linkedOutOfRunsDir(r.dir));
    const sweeps = await store.listSweeps();
    return { runs: runs.map(runSummary), sweeps: sweeps.map((s) => ({ id: s.id, name: s.name })), store: { kind: store.kind } };
  });

  app.get('/api/runs/:id', async (request) => {
    const run = await getRun(parseRoute(runParams, request.params).id ?? '');
    const [epochs, predictions, artifacts] = await Promise.all([store.getEpochs(run.id), store.getPredictions(run.id), store.getArtifacts(run.id)]);
    return runDetail(
      run,
      epochs,
      predictions,
      artifacts.map((a) => a.path),
    );
  });

  app.get('/api/runs/:id/cam/:index', async (request, reply: FastifyReply) => {
    const { id = '', index = '' } = parseRoute(camParams, request.params);
    const run = await getRun(id);
    const paths = run.test?.cam ?? [];
    const k = /^\d{1,4}$/.test(index) ? Number(index) : -1;
    const file = k >= 0 && k < paths.length && run.dir ? containedFile(run.dir, paths[k]!) : null;
    if (!file?.endsWith('.png') || k >= camEntries(run).length) throw notFound(`Grad-CAM image ${index} of run ${run.id}`);
    return reply.type('image/png').send(readFileSync(file));
  });

  app.get('/api/runs/:id/files/*', async (request, reply) => {
    const params = parseRoute(fileParams, request.params);
    const run = await getRun(params.id ?? '');
    const path = params['*'] ?? '';
    const listed = (await store.getArtifacts(run.id)).some((a) => a.path === path);
    const file = listed && isServedFile(path) && run.dir ? containedFile(run.dir, path) : null;
    if (!file) throw notFound(`file ${JSON.stringify(path)} of run ${run.id}`);
    // Run SVGs are made by the report code; still, they may never run script in this origin.
    return reply.type(contentType(file)).header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(readFileSync(file));
  });

  app.get('/api/runs/:id/test-slices', async (request): Promise<TestSlicesResponse> => {
    const run = await getRun(parseRoute(runParams, request.params).id ?? '');
    const predictions = await store.getPredictions(run.id);
    return { run: run.id, slices: predictions.slice(0, 1000).map((p, index) => ({ index, label: run.classes[p.label] ?? String(p.label) })) };
  });

  app.get('/api/compare', async (request): Promise<CompareResponse> => {
    await refresh();
    const q = parseRoute(compareQuery, request.query);
    const refs = q.sweep
      ? [q.sweep]
      : (q.runs ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
    if (refs.length === 0) throw new HttpError(400, 'Expected runs=<id>,<id>... or sweep=<id> but received neither');
    if (refs.length > 200) throw new HttpError(400, `Expected at most 200 runs to compare but received ${refs.length}`);
    if (!q.sweep) for (const ref of refs) if (!(await store.getRun(ref))) throw notFound(`run ${JSON.stringify(ref)}`);
    if (q.sweep && !(await store.getSweep(q.sweep))) throw notFound(`sweep ${JSON.stringify(q.sweep)}`);
    if (q.baseline && !(await store.getRun(q.baseline))) throw notFound(`run ${JSON.stringify(q.baseline)}`);
    const comparison = await compareRuns(store, refs, q.baseline ? { baseline: q.baseline } : {});
    const curves: CompareResponse['curves'] = {};
    for (const [id, detail] of Object.entries(comparison.details)) {
      // Per-slice predictions stay on the server: they carry file names and subject IDs.
      curves[id] = {
        label: detail.label,
        epochs: detail.epochs.map((e) => ({
          epoch: e.epoch,
          trainLoss: e.trainLoss,
          valLoss: e.valLoss,
          valAccuracy: e.valAccuracy,
          valBalancedAccuracy: e.valBalancedAccuracy,
          valSensitivity: e.valSensitivity,
        })),
      };
    }
    // Each row says whether it is a slice or a volume run and what its figures count.
    const rows = await Promise.all(
      comparison.rows.map(async (row) => {
        const stored = await store.getRun(row.id);
        return { ...row, input: stored ? inputKind(stored) : 'slice', unit: stored ? figureUnit(stored) : 'slice' };
      }),
    );
    return {
      title: comparison.title,
      baseline: comparison.baseline,
      columns: comparison.columns,
      rows,
      notes: comparison.notes,
      curves,
      parameters: comparison.columns,
    };
  });

  app.get('/api/models', async (): Promise<{ models: ModelChoice[] }> => {
    await refresh();
    const runs = (await store.listRuns()).filter((r) => r.model && hasCheckpoint(r) && !linkedOutOfRunsDir(r.dir));
    return {
      models: runs.map((r) => ({
        id: r.id,
        name: r.name,
        model: r.model!,
        classes: r.classes,
        imageSize: Array.isArray(r.config.imageSize) ? (r.config.imageSize as number[]) : null,
        pipeline: typeof r.config.pipeline === 'string' ? r.config.pipeline : null,
        status: r.status,
        input: inputKind(r),
        volumeShape: volumeSettings(r)?.shape ?? null,
      })),
    };
  });

  // The predict route in its own scope: the only one whose volume bodies may reach volumeUploadLimit.
  await app.register(async (scope) => {
    scope.removeContentTypeParser([...VOLUME_UPLOAD_TYPES]);
    scope.addContentTypeParser([...VOLUME_UPLOAD_TYPES], { parseAs: 'buffer', bodyLimit: volumeUploadLimit }, (_request, body, done) => done(null, body));
    scope.post('/api/predict', async (request) => {
      const q = parseRoute(predictQuery, request.query);
      if (!q.run) throw new HttpError(400, 'Expected run=<id> (the model to predict with) but received none');
      const bytes = uploadOf(request);
      const run = await getRun(q.run);
      // Everything the stored run can tell is checked before its checkpoint is loaded, and the
      // upload is decoded before the model is taken from the cache (which keeps it alive until
      // the prediction is done). The run decides slice or volume, not the Content-Type.
      checkpointOf(run);
      if (inputKind(run) === 'volume') {
        // In the prediction queue: each decodes up to 256 MiB of voxels and runs a 3-D model.
        return predictions.run(async () => {
          const spacing = run.config.spacing;
          const volume = await decodeVolumeUpload(bytes, typeof spacing === 'number' ? spacing : null);
          return withModel(run, (trained) => predictVolume(trained, run.id, volume));
        });
      }
      if (isVolumeUpload(request))
        throw new HttpError(
          415,
          `Expected an image upload (Content-Type ${UPLOAD_TYPES.join(', ')}) for run ${run.id}, a slice run, but received Content-Type ${request.headers['content-type']}`,
          'volumes go to volume runs',
        );
      // In the prediction queue too: many uploads at once would each load and run a model at once.
      return predictions.run(async () => {
        const slice = await decodeUpload(bytes, false);
        return withModel(run, (trained) => predictSlice(trained, run.id, slice));
      });
    });
  });

  app.get('/api/chains', async (): Promise<ChainsResponse> => ({ presets: CHAIN_PRESETS, modules: MODULE_HELP }));

  app.post('/api/preprocess', async (request) => {
    if (isVolumeUpload(request))
      throw new HttpError(
        415,
        `Expected an image upload (Content-Type ${UPLOAD_TYPES.join(', ')}) but received Content-Type ${request.headers['content-type']}`,
        'the preprocessing page runs 2-D chains on one slice',
      );
    const bytes = uploadOf(request);
    const image = await decodeUpload(bytes, true);
    return preprocessSteps(parseRoute(preprocessUploadQuery, request.query).chain ?? '', image);
  });

  app.get('/api/preprocess', async (request) => {
    const q = parseRoute(preprocessSliceQuery, request.query);
    if (!q.run || q.slice === undefined) throw new HttpError(400, 'Expected run=<id>&slice=<index> (or POST an image) but received neither');
    const run = await getRun(q.run);
    const predictions = await store.getPredictions(run.id);
    const index = Number(q.slice);
    const root = (run.dataset as { root?: unknown } | null)?.root;
    const item = predictions[index];
    // The file name comes from the store, never from the request; it must stay in an allowed data
    // root and have the content the run recorded (data-roots.ts).
    const bytes = item && typeof root === 'string' ? dataRoots.readSliceFile(root, item.file, await store.getSplitManifest(run.id)) : null;
    if (!bytes) {
      throw new HttpError(
        404,
        `Not found: test slice ${q.slice} of run ${run.id}`,
        'test slices are shown only from the data set the run was trained on, unchanged since (same content hash), inside the folders given with serve --data-root',
      );
    }
    const image = await decodeImage(bytes, { keepColor: true, name: `test slice ${index}`, limits: UPLOAD_IMAGE_LIMITS });
    return preprocessSteps(q.chain ?? '', image);
  });

  app.all('/api/*', async (request) => {
    throw notFound(`${request.method} ${request.url.split('?')[0]}`);
  });

  // ---- the web app --------------------------------------------------------------------------
  app.get(WEB_APP_ROUTE, async (request, reply) => {
    const file = readWebFile(webDir, request.url);
    if (file) return reply.type(file.type).send(file.body);
    if (request.url === '/' || request.url.startsWith('/?')) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send(`The web app is not built (${webDir} is missing): run "npm run build".\nThe API is at /api/runs.`);
    }
    throw notFound(request.url.split('?')[0]!);
  });

  return app;
}

/** A listening server and how to stop it. */
export interface RunningServer {
  readonly app: FastifyInstance;
  /** e.g. `http://127.0.0.1:8765` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Creates and starts the server on `host:port` (port 0: any free port).
 *
 * @example
 * const server = await startServer({ store, host: '127.0.0.1', port: 0 });
 * console.log(server.url);
 */
export async function startServer(options: ServerOptions & { port?: number }): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const app = await createServer({ ...options, host });
  await app.listen({ host, port: options.port ?? 8765 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shown}:${port}`, close: () => app.close() };
}
