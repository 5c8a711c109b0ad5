/**
 * Git LFS pointer files: what a clone without `git lfs` leaves in place of each large file
 * (images, parquet, volumes). A pointer is a short text file (spec:
 * https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md):
 *
 * ```
 * version https://git-lfs.github.com/spec/v1
 * oid sha256:e63d313d870f6aa2e08dfc11a85229086c13eec96b85bbc01f2739e335e27161
 * size 8427
 * ```
 */
export interface LfsPointer {
  /** `sha256:<64 hex>` of the real file. */
  readonly oid: string;
  /** Size of the real file in bytes. */
  readonly size: number;
}

const VERSION_LINE = 'version https://git-lfs.github.com/spec/';
/** The spec caps pointers at 1024 bytes; anything longer is not one. */
const MAX_POINTER_BYTES = 1024;

/**
 * True when the bytes start like an LFS pointer (any extension: `.jpg`, `.parquet`, `.nii.gz`).
 *
 * @param bytes the file's content
 * @returns true for at most 1024 bytes starting `version https://git-lfs.github.com/spec/`
 */
export function isLfsPointer(bytes: Uint8Array): boolean {
  if (bytes.length > MAX_POINTER_BYTES || bytes.length < VERSION_LINE.length) return false;
  for (let i = 0; i < VERSION_LINE.length; i++) if (bytes[i] !== VERSION_LINE.charCodeAt(i)) return false;
  return true;
}

/**
 * The pointer's oid and size, or undefined when the bytes are not an LFS pointer (Git LFS pointer spec v1).
 *
 * @param bytes the file's content
 * @returns the oid (`sha256:...`, or `unknown`) and the real file's size in bytes (NaN when absent), or undefined
 */
export function parseLfsPointer(bytes: Uint8Array): LfsPointer | undefined {
  if (!isLfsPointer(bytes)) return undefined;
  const text = new TextDecoder().decode(bytes);
  const oid = /^oid (\S+)$/m.exec(text)?.[1] ?? 'unknown';
  const size = Number(/^size (\d+)$/m.exec(text)?.[1] ?? Number.NaN);
  return { oid, size };
}

/** Hint for every LFS pointer problem: how to get the real files. */
export const LFS_HINT = 'the repository stores these files with Git LFS: run `git lfs install && git lfs pull` in the clone to download them';

/**
 * The problem detail for a pointer: `Git LFS pointer, not the file itself (real file 8,427 bytes,
 * oid sha256:e63d…); run git lfs pull`.
 *
 * @param pointer a parsed pointer
 * @returns the one-line detail
 */
export function lfsPointerDetail(pointer: LfsPointer): string {
  const size = Number.isFinite(pointer.size) ? `${pointer.size.toLocaleString('en-US')} bytes` : 'size unknown';
  return `Git LFS pointer, not the file itself (real file ${size}, oid ${pointer.oid.slice(0, 19)}…); run \`git lfs pull\` to fetch it`;
}
