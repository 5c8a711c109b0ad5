import { statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';

/** What a file looked like when it was hashed. */
interface MemoEntry {
  size: number;
  mtimeMs: number;
  hash: string;
}

/**
 * Remembers content hashes of files by (size, modification time), as git's index does, so a
 * second pass over an unchanged data set need not read and hash every file again: that re-hashing
 * was most of a cached preprocessing run. A file whose size or mtime changed is read and hashed anew.
 */
export class HashMemo {
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly entries: Map<string, MemoEntry>,
  ) {}

  /**
   * Loads the memo at `file` (an empty one when it is missing or unreadable).
   *
   * @param file the memo's JSON file (also where {@link save} writes)
   * @returns the memo
   */
  static async open(file: string): Promise<HashMemo> {
    try {
      const raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, MemoEntry>;
      return new HashMemo(file, new Map(Object.entries(raw)));
    } catch {
      return new HashMemo(file, new Map());
    }
  }

  /**
   * The remembered hash of `path` when the file still has the same size and mtime.
   *
   * @param path the file as listed
   * @returns the SHA-256 remembered, or undefined when unknown, changed (size or mtime in ms) or gone
   */
  // stat synchronously: hundreds of awaited stats cost more than the cached read itself.
  async lookup(path: string): Promise<string | undefined> {
    const entry = this.entries.get(path);
    if (!entry) return undefined;
    try {
      const s = statSync(path);
      return s.size === entry.size && s.mtimeMs === entry.mtimeMs ? entry.hash : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Records the hash of `path` with the file's current size and mtime (saved by {@link save}).
   *
   * @param path the file as listed
   * @param hash its SHA-256, just computed from its bytes
   * @throws Error from node:fs (ENOENT) when the file is gone
   */
  async remember(path: string, hash: string): Promise<void> {
    const s = statSync(path);
    this.entries.set(path, { size: s.size, mtimeMs: s.mtimeMs, hash });
    this.changed = true;
  }

  /** Writes the memo atomically when it changed. */
  async save(): Promise<void> {
    if (!this.changed) return;
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(Object.fromEntries(this.entries)));
    await rename(tmp, this.file);
    this.changed = false;
  }
}
