/**
 * Serves the built web app (`npm run build` writes it to `dist/dashboard/`): index.html and its
 * hashed assets. Client routes live in the URL fragment (`#/runs/<id>`), so no path falls back to
 * index.html and every other path is a plain file lookup confined to the folder.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { containedFile } from './safe-path.js';

/** Where `npm run build` puts the web app, beside the compiled server. */
// From the package root, so the product build (dist/) and the test build (dist-test/) find the same app.
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/dashboard/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The content type of a file by its extension (binary for unknown ones). */
export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** A web app file by URL path (`/` is index.html), or null when missing or outside the folder. */
export function readWebFile(webDir: string, urlPath: string): { body: Buffer; type: string } | null {
  let relativePath: string;
  try {
    relativePath = decodeURIComponent(urlPath.split('?')[0]!).replace(/^\/+/, '');
  } catch {
    return null;
  }
  if (relativePath === '') relativePath = 'index.html';
  const file = containedFile(webDir, relativePath);
  return file ? { body: readFileSync(file), type: contentType(file) } : null;
}
