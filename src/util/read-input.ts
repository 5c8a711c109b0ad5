/**
 * Reading a user's input file safely: only regular files, and never more than a size cap, so
 * `--config /dev/zero` or `predict <run> /dev/zero` is a named error instead of an allocation
 * failure or an endless read. One reader for configs, sweep files, pipeline files, images and
 * volumes; one YAML reader on top of it.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { AlzbenchError } from './errors.js';

/** Size caps by kind of input (bytes). Each is far above any real file of that kind. */
export const INPUT_LIMITS = {
  /** YAML/JSON settings, sweep and pipeline files. */
  config: 1 << 20,
  /** One 2-D image (JPEG, PNG, BMP, TIFF). */
  image: 64 << 20,
  /** One volume (NIfTI, Analyze, possibly gzipped). */
  volume: 1 << 30,
  /** A CSV or JSON side file (subjects, manifests). */
  table: 256 << 20,
  /** A parquet file of images. */
  parquet: 2 ** 31,
} as const;

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function mib(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes} bytes`;
}

function notRegular(what: string, path: string, stats: Stats): AlzbenchError {
  return new AlzbenchError(`Cannot read ${what} ${path}: it is ${kindOf(stats)}, not a regular file`, { exitCode: 2, hint: 'pass the path of a regular file' });
}

function tooLarge(what: string, path: string, maxBytes: number): AlzbenchError {
  return new AlzbenchError(`Cannot read ${what} ${path}: it is over the ${mib(maxBytes)} size limit`, {
    exitCode: 2,
    hint: `is ${path} really ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}?`,
  });
}

function cannotOpen(what: string, path: string, error: unknown): AlzbenchError {
  return new AlzbenchError(`Cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { exitCode: 2 });
}

// O_NONBLOCK: opening a FIFO without a writer must not block before fstat can refuse it.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a whole regular file of at most `maxBytes`. The size is checked from fstat before any
 * allocation, and the read stops one byte past the cap for files whose size fstat does not know
 * (/proc), so nothing unbounded is ever read.
 *
 * @param what words for messages: `config file`, `image`.
 * @throws AlzbenchError (exit 2): `Cannot read <what> <path>: ENOENT`, `...: it is a character
 * device, not a regular file`, `...: it is over the 1 MiB size limit`.
 */
export function readInputFileSync(path: string, what: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw cannotOpen(what, path, error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegular(what, path, stats);
    if (stats.size > maxBytes) throw tooLarge(what, path, maxBytes);
    // Read to EOF even past fstat's size (files that grow, /proc files of size 0), never past the cap.
    return readRest(fd, Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(stats.size + 1, 4096))), 0, what, path, maxBytes);
  } finally {
    closeSync(fd);
  }
}

/**
 * A full read buffer, doubled (at most to one byte past the cap, so reading that byte proves the
 * file too large); a buffer already past the cap is the too-large error.
 */
function grown(buffer: Buffer, filled: number, what: string, path: string, maxBytes: number): Buffer {
  if (filled > maxBytes) throw tooLarge(what, path, maxBytes);
  const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
  buffer.copy(bigger, 0, 0, filled);
  return bigger;
}

function readRest(fd: number, buffer: Buffer, filled: number, what: string, path: string, maxBytes: number): Buffer {
  for (;;) {
    if (filled === buffer.length) buffer = grown(buffer, filled, what, path, maxBytes);
    const n = readSync(fd, buffer, filled, buffer.length - filled, null);
    if (n === 0) return buffer.subarray(0, filled);
    filled += n;
  }
}

/** {@link readInputFileSync} for async callers (data set readers). */
export async function readInputFile(path: string, what: string, maxBytes: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    throw cannotOpen(what, path, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notRegular(what, path, stats);
    if (stats.size > maxBytes) throw tooLarge(what, path, maxBytes);
    let buffer: Buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(stats.size + 1, 4096)));
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) buffer = grown(buffer, filled, what, path, maxBytes);
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) return buffer.subarray(0, filled);
      filled += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** Reads a regular text file (UTF-8) of at most `maxBytes` (default: the config cap). */
export function readInputText(path: string, what: string, maxBytes: number = INPUT_LIMITS.config): string {
  return readInputFileSync(path, what, maxBytes).toString('utf8');
}

/**
 * Parses YAML text (JSON is YAML). Errors name the source and the line.
 *
 * @throws AlzbenchError (exit 2): `Cannot parse <what> <path> at line 3: <the parser's first line>`.
 */
export function parseYamlText(text: string, what: string, path: string): unknown {
  try {
    // maxAliasCount bounds alias expansion; logLevel keeps the parser's warnings off stderr.
    return parseYaml(text, { maxAliasCount: 1000, logLevel: 'error' });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new AlzbenchError(`Cannot parse ${what} ${path}${where}: ${(error as Error).message.split('\n')[0]}`, { exitCode: 2 });
  }
}

/** Reads and parses a YAML (or JSON) file of at most the config cap: {@link readInputText} + {@link parseYamlText}. */
export function readYamlFile(path: string, what: string): unknown {
  return parseYamlText(readInputText(path, what), what, path);
}
