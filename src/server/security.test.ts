// The dashboard's safety rules, probed over real sockets with raw (un-normalized) request paths:
// token beyond loopback, path traversal, upload type and size, foreign Host headers, and the
// CLI's refusal to bind beyond loopback without a token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bmpBomb, jpegBomb, pngBomb, tiffBomb } from '../testing/bomb-images.js';
import { syntheticPixels, writeImage } from '../testing/data-helpers.js';
import { syncRunFolder, syncRunsDir } from '../store/sync.js';
import { AlzbenchError } from '../util/errors.js';
import { createServer, startServer, type RunningServer } from './server.js';
import { makeDashboardFixture, type DashboardFixture } from '../testing/server-fixture.js';

const TOKEN = 'test-token-5f1c9e';
let fixture: DashboardFixture;
let open: RunningServer;
let guarded: RunningServer;

/** One HTTP request with the path sent exactly as given (fetch would resolve `..`). */
function raw(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    // The server may answer (413) and close before a large body is written.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    req.end(options.body);
  });
}

/**
 * One request written byte for byte on a TCP socket: the request line may be absolute-form,
 * un-normalized or oddly cased, which no HTTP client would send. Answers status, headers and body.
 */
function rawSocket(
  base: string,
  requestLine: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<{ status: number; head: string; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: split < 0 ? '' : text.slice(split + 4) });
    });
    const lines = [requestLine, `Host: ${url.host}`, 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  });
}

before(async () => {
  fixture = await makeDashboardFixture();
  open = await startServer({ store: fixture.store, runsDir: fixture.runsDir, port: 0 });
  // Bound to every interface with a token; the test connects through loopback.
  guarded = await startServer({ store: fixture.store, runsDir: fixture.runsDir, host: '0.0.0.0', port: 0, token: TOKEN });
});

after(async () => {
  await open?.close();
  await guarded?.close();
  await fixture?.store.close();
});

const guardedBase = () => guarded.url.replace('0.0.0.0', '127.0.0.1');

test('beyond loopback without a token the server refuses to start (API and CLI)', async () => {
  await assert.rejects(createServer({ store: fixture.store, host: '0.0.0.0' }), (error: Error) => {
    assert.ok(error instanceof AlzbenchError);
    assert.match(error.message, /^Refusing to serve on 0\.0\.0\.0 without --token/);
    return true;
  });
  await assert.rejects(createServer({ store: fixture.store, host: '0.0.0.0', token: 'short' }), /at least 8 characters for --token/);
  const bin = fileURLToPath(new URL('../../bin/alzbench.js', import.meta.url));
  const cli = spawnSync(process.execPath, [bin, 'serve', '--host', '0.0.0.0', '--db', join(fixture.dir, 'cli.sqlite')], { encoding: 'utf8' });
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /alzbench serve: error: Refusing to serve on 0\.0\.0\.0 without --token/);
  assert.match(cli.stderr, /hint: add --token/);
});

test('with a token, every API call without it (or with a wrong one) is 401; with it, 200', async () => {
  const base = guardedBase();
  for (const path of ['/api/runs', `/api/runs/${fixture.ids.sgd}`, `/api/runs/${fixture.ids.sgd}/cam/0`, '/api/no-such-endpoint', '/api/health']) {
    const none = await raw(base, path);
    assert.equal(none.status, 401, path);
    assert.match(JSON.parse(none.text).error.message, /Missing or wrong token/);
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    assert.equal((await raw(base, path, { headers: { authorization: `Bearer ${TOKEN}x` } })).status, 401, `${path} wrong token`);
  }
  const post = await raw(base, `/api/predict?run=${fixture.ids.sgd}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: Buffer.from('x') });
  assert.equal(post.status, 401, 'uploads are checked for the token before anything is read');
  const ok = await raw(base, '/api/runs', { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(ok.status, 200);
  assert.equal(JSON.parse(ok.text).runs.length, 3);
});

test('path traversal in run files, Grad-CAM indices, test slices and web assets is 404', async () => {
  const id = fixture.ids.sgd;
  // A symbolic link inside the run folder that points out of it is listed as a file, yet never served.
  symlinkSync(join(fixture.dir, 'store.sqlite'), join(fixture.runsDir, id, 'plots', 'escape.svg'));
  await syncRunFolder(fixture.store, join(fixture.runsDir, id), { force: true });
  const attempts = [
    `/api/runs/${id}/files/../../store.sqlite`,
    `/api/runs/${id}/files/..%2F..%2Fstore.sqlite`,
    `/api/runs/${id}/files/%2e%2e/%2e%2e/store.sqlite`,
    `/api/runs/${id}/files/plots/../../../store.sqlite`,
    `/api/runs/${id}/files//etc/passwd`,
    `/api/runs/${id}/files/%2Fetc%2Fpasswd`,
    `/api/runs/${id}/files/plots/escape.svg`,
    `/api/runs/${id}/files/run.json`,
    `/api/runs/..%2F..%2F${id}/files/config.json`,
    `/api/runs/${id}/cam/..%2F..%2Frun.json`,
    `/api/runs/${id}/cam/-1`,
    '/../../../etc/passwd',
    '/assets/..%2F..%2F..%2Fpackage.json',
    '/%2e%2e/%2e%2e/package.json',
    '/index.html%00.png',
  ];
  for (const path of attempts) {
    const response = await raw(open.url, path);
    assert.equal(response.status, 404, `${path}: ${response.status} ${response.text.slice(0, 100)}`);
    assert.doesNotMatch(response.text, /root:|SQLite format|"dependencies"/, path);
  }
  // A slice index that is not one is a named 400.
  const slice = await raw(open.url, `/api/preprocess?run=${id}&slice=..%2F..%2Fsubjects.csv`);
  assert.equal(slice.status, 400);
  assert.equal(
    JSON.parse(slice.text).error.message,
    'Expected an index of at most 6 digits for query parameter slice but received "../../subjects.csv" of type string',
  );
  // The same folder's allowed file is served, so the 404s above are the guard, not a broken route.
  assert.equal((await raw(open.url, `/api/runs/${id}/files/config.json`)).status, 200);
});

test('uploads: a non-image type is 415, non-image bytes 400, an oversized body 413, each with a clear message', async () => {
  const id = fixture.ids.sgd;
  const text = await raw(open.url, `/api/predict?run=${id}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: Buffer.from('hello') });
  assert.equal(text.status, 415);
  assert.match(
    JSON.parse(text.text).error.message,
    /^Expected an image upload \(Content-Type image\/png, image\/jpeg, image\/bmp, image\/tiff, image\/webp\) but received Content-Type "text\/plain"/,
  );
  const fake = await raw(open.url, `/api/predict?run=${id}`, {
    method: 'POST',
    headers: { 'content-type': 'image/png' },
    body: Buffer.from('this is not a png at all'),
  });
  assert.equal(fake.status, 400);
  assert.match(JSON.parse(fake.text).error.message, /^Not an image: the upload/);
  const big = Buffer.alloc(5 * 1024 * 1024 + 1, 7);
  const oversized = await raw(open.url, `/api/predict?run=${id}`, {
    method: 'POST',
    headers: { 'content-type': 'image/png', 'content-length': String(big.length) },
    body: big,
  });
  assert.equal(oversized.status, 413);
  assert.match(JSON.parse(oversized.text).error.message, /^Expected an upload of at most 5242880 bytes \(5\.0 MiB\) but received more/);
  // Formats outside the upload types are refused by their header, whatever the Content-Type says.
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>');
  const vector = await raw(open.url, '/api/preprocess?chain=invert', { method: 'POST', headers: { 'content-type': 'image/png' }, body: svg });
  assert.equal(vector.status, 400);
  assert.equal(JSON.parse(vector.text).error.message, 'Not an image: the upload (unsupported image format (first bytes 3c 73 76 67))');
  const empty = await raw(open.url, `/api/preprocess?chain=grayscale`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: Buffer.alloc(0) });
  assert.equal(empty.status, 400);
  assert.match(JSON.parse(empty.text).error.message, /Expected an image as the request body/);
});

test('volume uploads: only predict with a volume run takes them; a slice run and the preprocessing page say so; the volume body limit', async () => {
  const id = fixture.ids.sgd;
  const gz = await raw(open.url, `/api/predict?run=${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/gzip' },
    body: Buffer.from([0x1f, 0x8b, 8, 0]),
  });
  assert.equal(gz.status, 415);
  assert.equal(
    JSON.parse(gz.text).error.message,
    `Expected an image upload (Content-Type image/png, image/jpeg, image/bmp, image/tiff, image/webp) for run ${id}, a slice run, but received Content-Type application/gzip`,
  );
  const pre = await raw(open.url, '/api/preprocess?chain=invert', {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: Buffer.alloc(400),
  });
  assert.equal(pre.status, 415);
  assert.equal(JSON.parse(pre.text).error.hint, 'the preprocessing page runs 2-D chains on one slice');
  const small = await startServer({ store: fixture.store, runsDir: fixture.runsDir, port: 0, volumeUploadLimit: 4096 });
  try {
    const big = await raw(small.url, `/api/predict?run=${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': '5000' },
      body: Buffer.alloc(5000),
    });
    assert.equal(big.status, 413);
    assert.match(JSON.parse(big.text).error.message, /^Expected a volume upload of at most 4096 bytes \(0\.0 MiB\) but received more/);
  } finally {
    await small.close();
  }
  // Only /api/predict takes volume bodies up to the volume limit; other routes keep the image limit.
  const split = await startServer({ store: fixture.store, runsDir: fixture.runsDir, port: 0, uploadLimit: 4096, volumeUploadLimit: 65536 });
  try {
    const body = Buffer.alloc(5000);
    const pre = await raw(split.url, '/api/preprocess?chain=invert', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': '5000' },
      body,
    });
    assert.equal(pre.status, 413);
    assert.equal(JSON.parse(pre.text).error.message, 'Expected an upload of at most 4096 bytes (0.0 MiB) but received more');
    const predict = await raw(split.url, `/api/predict?run=${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': '5000' },
      body,
    });
    assert.equal(predict.status, 415, 'read within the volume limit, then refused for the slice run');
    const image = await raw(split.url, `/api/predict?run=${id}`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'content-length': '5000' },
      body,
    });
    assert.equal(image.status, 413, 'images keep the image limit on predict too');
    assert.equal(JSON.parse(image.text).error.message, 'Expected an upload of at most 4096 bytes (0.0 MiB) but received more');
  } finally {
    await split.close();
  }
});

test('loopback without a token: requests naming a foreign Host are refused (DNS rebinding)', async () => {
  const foreign = await raw(open.url, '/api/runs', { headers: { host: 'attacker.example:8765' } });
  assert.equal(foreign.status, 403);
  assert.equal((await raw(open.url, '/api/runs', { headers: { host: 'localhost:8765' } })).status, 200);
  // An absolute-form request line's host counts, whatever the Host header says.
  const { host } = new URL(open.url);
  for (const target of ['http://attacker.example/api/runs', `http://attacker.example:${new URL(open.url).port}/%61pi/runs`]) {
    const absolute = await rawSocket(open.url, `GET ${target} HTTP/1.1`);
    assert.equal(absolute.status, 403, target);
    assert.equal(JSON.parse(absolute.body).error.message, 'Refusing Host "attacker.example": this dashboard serves loopback only');
  }
  assert.equal((await rawSocket(open.url, `GET http://${host}/api/runs HTTP/1.1`)).status, 200);
});

test('with a token, no spelling of an API path passes without it: encoded, double slash, dot segments, absolute-form, case, query and parameters', async () => {
  const base = guardedBase();
  const { host } = new URL(base);
  const id = fixture.ids.sgd;
  const paths = [
    '/%61pi/runs',
    '/%61%70%69/%72%75%6e%73',
    '/api/%72uns',
    '/%2561pi/runs',
    '/api%2Fruns',
    '//api/runs',
    '///api//runs',
    '/./api/runs',
    '/api/./runs',
    '/x/../api/runs',
    '/%2e/api/runs',
    '/x/%2e%2e/api/runs',
    `http://${host}/api/runs`,
    `HTTP://${host}/api/runs`,
    `http://${host}/%61pi/runs`,
    'http://attacker.example/api/runs',
    `http://${host}//api/runs`,
    '/API/runs',
    '/Api/Runs',
    '/api/runs?x=1',
    '/api/runs?',
    '/api/runs;x=1',
    '/api/runs/',
    '/api/runs%3F',
    '/api/runs%23',
    `/%61pi/runs/${id}`,
    `/%61pi/runs/${id}/files/config.json`,
    `/%61pi/runs/${id}/cam/0`,
    `/%61pi/runs/${id}/test-slices`,
    `/%61pi/compare?runs=${id}`,
    '/%61pi/models',
    '/%61pi/health',
    `/%61pi/preprocess?run=${id}&slice=0`,
  ];
  const leaks: string[] = [];
  for (const path of paths) {
    for (const method of ['GET', 'HEAD']) {
      const response = await rawSocket(base, `${method} ${path} HTTP/1.1`);
      // Allowed answers: 401 (routed to the API), 404 (no such API or web file), 400 (malformed).
      if (![400, 401, 404].includes(response.status) || response.body.includes(id) || /"ok":true/.test(response.body))
        leaks.push(`${method} ${path} -> ${response.status} ${response.body.slice(0, 80)}`);
    }
  }
  // Uploads through an encoded or absolute path: refused before the body is read.
  for (const path of [`/%61pi/predict?run=${id}`, `http://${host}/api/predict?run=${id}`, `/%61pi/preprocess?chain=invert`]) {
    const response = await rawSocket(base, `POST ${path} HTTP/1.1`, { 'Content-Type': 'image/png' }, 'x');
    if (response.status !== 401 && response.status !== 404) leaks.push(`POST ${path} -> ${response.status} ${response.body.slice(0, 80)}`);
  }
  assert.deepEqual(leaks, []);
  // Refused before the body is read: a POST announcing 1 GB, of which nothing is sent, is answered at once.
  const started = Date.now();
  const unsent = await rawSocket(base, `POST /%61pi/predict?run=${id} HTTP/1.1`, { 'Content-Type': 'image/png', 'Content-Length': String(2 ** 30) });
  assert.equal(unsent.status, 401);
  assert.ok(Date.now() - started < 2000, `answered after ${Date.now() - started} ms`);
  // The same spellings with the token reach the API, so the 401s above are the guard at work.
  for (const path of ['/%61pi/runs', `http://${host}/api/runs`, '/api/runs?x=1']) {
    const response = await rawSocket(base, `GET ${path} HTTP/1.1`, { Authorization: `Bearer ${TOKEN}` });
    assert.equal(response.status, 200, path);
    assert.ok(response.body.includes(id), path);
  }
  // The web app itself loads without the token (it reads the token from the URL fragment).
  const index = await rawSocket(base, 'GET / HTTP/1.1');
  assert.equal(index.status, 200);
  assert.match(index.head, /content-type: text\/html/i);
});

test('security headers: nosniff, no framing, no referrer, a CSP, and no caching of API answers', async () => {
  for (const [base, path, headers] of [
    [open.url, '/api/runs', {}],
    [guardedBase(), '/api/runs', {}],
    [guardedBase(), '/api/runs', { Authorization: `Bearer ${TOKEN}` }],
    [open.url, '/', {}],
    [open.url, '/api/nope', {}],
  ] as const) {
    const response = await rawSocket(base, `GET ${path} HTTP/1.1`, headers);
    const head = response.head.toLowerCase();
    assert.match(head, /\r\nx-content-type-options: nosniff\r\n/, path);
    assert.match(head, /\r\nx-frame-options: deny\r\n/, path);
    assert.match(head, /\r\nreferrer-policy: no-referrer\r\n/, path);
    assert.match(head, /\r\ncontent-security-policy: [^\r]*frame-ancestors 'none'/, path);
    assert.match(head, /\r\ncache-control: no-store\r\n/, path);
  }
});

test('decompression bombs (a few hundred bytes declaring 65500 x 65500) are refused from the header: 413 at once, memory flat', async () => {
  const id = fixture.ids.sgd;
  const bombs: Array<[string, string, Buffer]> = [
    ['jpeg', 'image/jpeg', await jpegBomb(65500, 65500)],
    ['png', 'image/png', await pngBomb(65500, 65500)],
    ['bmp', 'image/bmp', bmpBomb(65500, 65500)],
    ['tiff', 'image/tiff', await tiffBomb(65500, 65500)],
  ];
  const before = process.memoryUsage().rss;
  for (const [format, type, body] of bombs) {
    assert.ok(body.length < 8192, `${format} bomb is ${body.length} bytes`);
    for (const path of [`/api/predict?run=${id}`, '/api/preprocess?chain=invert']) {
      const started = Date.now();
      const response = await raw(open.url, path, { method: 'POST', headers: { 'content-type': type }, body });
      const ms = Date.now() - started;
      assert.equal(response.status, 413, `${format} ${path}: ${response.text.slice(0, 200)}`);
      const error = JSON.parse(response.text).error;
      assert.equal(error.message, `Image too large: the upload (${format}: the header declares 65500x65500 pixels; the limit is 4096 x 4096 pixels)`);
      assert.equal(error.hint, 'upload a single slice of at most 4096 x 4096 pixels');
      assert.ok(ms < 1000, `${format} ${path} answered after ${ms} ms`);
    }
  }
  // 5000 x 5000 is within the CLI's limit but not the dashboard's.
  const wide = await raw(open.url, '/api/preprocess', { method: 'POST', headers: { 'content-type': 'image/png' }, body: await pngBomb(5000, 5000) });
  assert.equal(wide.status, 413);
  // A frame header of height 0 has no known size: refused as not an image, not decoded.
  const unknown = await raw(open.url, '/api/preprocess', { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: await jpegBomb(64, 0) });
  assert.equal(unknown.status, 400);
  assert.equal(JSON.parse(unknown.text).error.message, 'Unreadable file: the upload (corrupt JPEG: scan before any frame header (no image size))');
  // Before the fix one JPEG bomb took 4.2 GB more and kept it; a few MB of noise is all that may show.
  const grown = (process.memoryUsage().rss - before) / 2 ** 20;
  assert.ok(grown < 100, `server memory grew by ${grown.toFixed(0)} MiB`);
});

test('every 5xx answer leaves one line on stderr: status, method, route and the error message', async () => {
  const { openStore } = await import('../store/open-store.js');
  const { copyFileSync } = await import('node:fs');
  const copy = join(fixture.dir, 'broken-later.sqlite');
  copyFileSync(join(fixture.dir, 'store.sqlite'), copy);
  const store = await openStore(copy);
  const server = await startServer({ store, runsDir: null, port: 0 });
  await store.close(); // the store goes away under a running server
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
  let response: Awaited<ReturnType<typeof raw>>;
  let detail: Awaited<ReturnType<typeof raw>>;
  try {
    response = await raw(server.url, '/api/runs?secret=1');
    detail = await raw(server.url, `/api/runs/${fixture.ids.sgd}`);
  } finally {
    process.stderr.write = write;
    await server.close();
  }
  assert.equal(response.status, 500);
  assert.deepEqual(JSON.parse(response.text), { error: { status: 500, message: 'Internal error' } });
  assert.equal(detail.status, 500);
  assert.deepEqual(lines, [
    'alzbench serve: 500 GET /api/runs: driver has already been destroyed\n',
    'alzbench serve: 500 GET /api/runs/:id: driver has already been destroyed\n',
  ]);
});

/** A copy of the sgd run's folder at `dir` under another id, with run.json changed by `edit`. */
function copyRun(dir: string, id: string, edit: (record: Record<string, unknown>) => void = () => undefined): void {
  cpSync(join(fixture.runsDir, fixture.ids.sgd), dir, { recursive: true });
  const record = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
  record.id = id;
  edit(record);
  writeFileSync(join(dir, 'run.json'), JSON.stringify(record));
}

test('a run folder that is a symbolic link out of --runs-dir is not indexed, and so not served', async () => {
  const id = '20250101-000009-simple_cnn-outside';
  copyRun(join(fixture.dir, 'elsewhere'), id);
  symlinkSync(join(fixture.dir, 'elsewhere'), join(fixture.runsDir, 'linked-run'));
  const result = await syncRunsDir(fixture.store, fixture.runsDir);
  assert.deepEqual(result.errors, [
    {
      dir: join(fixture.runsDir, 'linked-run'),
      message: `not indexed: a symbolic link to ${join(fixture.dir, 'elsewhere')}, outside the runs folder ${fixture.runsDir}`,
    },
  ]);
  assert.equal(await fixture.store.getRun(id), undefined);
  for (const path of [`/api/runs/${id}`, `/api/runs/${id}/files/config.json`]) assert.equal((await raw(open.url, path)).status, 404, path);
  // Indexed through the link before syncRunsDir refused it (as an older alzbench did): still not served.
  await syncRunFolder(fixture.store, join(fixture.runsDir, 'linked-run'));
  assert.equal((await fixture.store.getRun(id))?.dir, join(fixture.runsDir, 'linked-run'));
  for (const path of [`/api/runs/${id}`, `/api/runs/${id}/files/config.json`, `/api/runs/${id}/cam/0`, `/api/preprocess?run=${id}&slice=0`]) {
    assert.equal((await raw(open.url, path)).status, 404, path);
  }
  for (const path of ['/api/runs', '/api/models']) assert.doesNotMatch((await raw(open.url, path)).text, /outside/, path);
  await fixture.store.deleteRun(id);
});

test('a crafted run.json cannot make the preprocessing page open files outside the data it was trained on', async () => {
  const slice0 = (await fixture.store.getPredictions(fixture.ids.sgd))[0]!.file;
  // A copy of the data set outside any allowed root, with test slice 0 replaced by another image.
  const copied = join(fixture.dir, 'copied-data');
  cpSync(fixture.data, copied, { recursive: true });
  await writeImage(join(copied, slice0), syntheticPixels(99, 32, 32), 32, 32);
  const ids = { etc: '20250101-000010-simple_cnn-etc', copy: '20250101-000011-simple_cnn-copy' };
  copyRun(join(fixture.runsDir, ids.etc), ids.etc, (r) => ((r.dataset as Record<string, unknown>).root = '/etc'));
  copyRun(join(fixture.runsDir, ids.copy), ids.copy, (r) => ((r.dataset as Record<string, unknown>).root = copied));
  await syncRunsDir(fixture.store, fixture.runsDir);
  const restricted = await startServer({ store: fixture.store, runsDir: fixture.runsDir, port: 0, dataRoots: [fixture.data] });
  try {
    const cases: Array<[RunningServer, string, number, number]> = [
      [open, ids.etc, 0, 404], // the file is not under /etc
      [open, ids.copy, 0, 404], // content differs from what the run recorded
      [open, ids.copy, 1, 200], // unchanged content: nothing the record's author does not know
      [restricted, ids.copy, 1, 404], // outside --data-root
      [restricted, ids.etc, 0, 404],
      [restricted, fixture.ids.sgd, 0, 200], // the run's real data set is inside --data-root
      [open, fixture.ids.sgd, 0, 200],
    ];
    for (const [server, id, slice, status] of cases) {
      const response = await raw(server.url, `/api/preprocess?run=${id}&slice=${slice}&chain=invert`);
      assert.equal(response.status, status, `${server === open ? 'open' : 'restricted'} ${id} slice ${slice}: ${response.text.slice(0, 200)}`);
      if (status === 404) {
        assert.deepEqual(JSON.parse(response.text).error, {
          status: 404,
          message: `Not found: test slice ${slice} of run ${id}`,
          hint: 'test slices are shown only from the data set the run was trained on, unchanged since (same content hash), inside the folders given with serve --data-root',
        });
      }
    }
  } finally {
    await restricted.close();
  }
});

test('serve takes the token from ALZBENCH_TOKEN (out of the process list) under the same rules', () => {
  const bin = fileURLToPath(new URL('../../bin/alzbench.js', import.meta.url));
  const cli = spawnSync(process.execPath, [bin, 'serve', '--host', '0.0.0.0', '--db', join(fixture.dir, 'cli.sqlite')], {
    encoding: 'utf8',
    env: { ...process.env, ALZBENCH_TOKEN: 'short' },
  });
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /alzbench serve: error: Expected a token of at least 8 characters for --token but received one of 5/);
});

test('query strings and path parameters are checked by schema: repeated keys, over-long values and bad indices are named 400s', async () => {
  const id = fixture.ids.sgd;
  const cases: Array<[string, string, string]> = [
    [
      'POST',
      `/api/predict?run=${id}&run=${fixture.ids.adam}`,
      `Expected one run or sweep id (a single value of at most 200 characters) for query parameter run but received ["${id}" of type string, "${fixture.ids.adam}" of type string] of type array`,
    ],
    [
      'GET',
      `/api/compare?runs=${id}&runs=${fixture.ids.adam}`,
      `Expected a comma-separated list of run ids (one value) for query parameter runs but received ["${id}" of type string, "${fixture.ids.adam}" of type string] of type array`,
    ],
    [
      'GET',
      `/api/compare?runs=${id}&baseline=${'x'.repeat(201)}`,
      `Expected one run or sweep id (a single value of at most 200 characters) for query parameter baseline but received "${'x'.repeat(80)}..." of type string`,
    ],
    ['GET', `/api/preprocess?run=${id}&slice=1e3`, 'Expected an index of at most 6 digits for query parameter slice but received "1e3" of type string'],
    [
      'GET',
      '/api/runs/a%00b',
      'Expected one run or sweep id (a single value of at most 200 characters) for path parameter id but received "a\\u0000b" of type string',
    ],
  ];
  for (const [method, path, message] of cases) {
    const response = await raw(open.url, path, {
      method,
      headers: method === 'POST' ? { 'content-type': 'image/png' } : {},
      ...(method === 'POST' ? { body: Buffer.from('x') } : {}),
    });
    assert.equal(response.status, 400, `${path}: ${response.text.slice(0, 200)}`);
    assert.equal(JSON.parse(response.text).error.message, message, path);
  }
  // Well-formed values still work.
  assert.equal((await raw(open.url, `/api/compare?runs=${id},${fixture.ids.adam}&baseline=${id}`)).status, 200);
  assert.equal((await raw(open.url, `/api/preprocess?run=${id}&slice=0&chain=invert`)).status, 200);
});
