/**
 * Names what a file holds when it is not a NIfTI/Analyze volume, from its first bytes, so the
 * error says "a JPEG image" or "a Git LFS pointer" instead of "bad header".
 */

/** What the content is, and a hint for the most common mistakes. */
export interface ContentGuess {
  readonly what: string;
  readonly hint?: string;
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/**
 * Whether bytes start with the gzip magic (1f 8b, RFC 1952).
 *
 * @param bytes the file's first bytes
 * @returns true for gzip
 */
export function isGzip(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0x1f, 0x8b]);
}

/**
 * Guesses the kind of a file's content from its first bytes (magic numbers of the formats people
 * put beside volumes: images, archives, DICOM, parquet, Git LFS pointers, web pages, text).
 *
 * @param bytes the file's first bytes (the first 512 are looked at; DICOM needs 132)
 * @returns a phrase naming the content (`a JPEG image`) and, for common mistakes, a hint
 */
export function guessContent(bytes: Uint8Array): ContentGuess {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 512)).toString('latin1');
  if (bytes.length === 0) return { what: 'an empty file (0 bytes)', hint: 'the download or copy may have failed; fetch the file again' };
  if (head.startsWith('version https://git-lfs.github.com/spec/')) {
    const size = /size (\d+)/.exec(head)?.[1];
    return {
      what: `a Git LFS pointer file (text standing for a ${size ?? '?'}-byte file that was not downloaded)`,
      hint: 'run `git lfs pull` in the repository the data came from',
    };
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { what: 'a JPEG image', hint: '2-D slices belong in class folders, not in a volume list' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return { what: 'a PNG image', hint: '2-D slices belong in class folders, not in a volume list' };
  if (startsWith(bytes, ascii('GIF8'))) return { what: 'a GIF image' };
  if (startsWith(bytes, ascii('BM'))) return { what: 'a BMP image (or a file starting with "BM")' };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return { what: 'a TIFF image' };
  if (startsWith(bytes, ascii('DICM'), 128)) {
    return { what: 'a DICOM file', hint: 'convert the series to NIfTI first, e.g. with dcm2niix' };
  }
  if (startsWith(bytes, ascii('PK'))) return { what: 'a zip archive', hint: 'unpack it first' };
  // Other volume formats people meet beside NIfTI: say which, and how to convert.
  if (startsWith(bytes, ascii('NRRD'))) return { what: 'an NRRD volume (not supported)', hint: 'convert it to NIfTI, e.g. with 3D Slicer or SimpleITK' };
  if (startsWith(bytes, [0x89, 0x48, 0x44, 0x46])) return { what: 'an HDF5 file (MINC 2?) (not supported)', hint: 'convert it to NIfTI, e.g. with mnc2nii' };
  if (startsWith(bytes, [0x00, 0x00, 0x00, 0x01]) && bytes.length >= 284) {
    return { what: 'a FreeSurfer MGH/MGZ volume (not supported)', hint: 'convert it to NIfTI: mri_convert in.mgz out.nii.gz' };
  }
  if (startsWith(bytes, ascii('PAR1'))) return { what: 'a parquet file' };
  if (startsWith(bytes, ascii('ustar'), 257)) return { what: 'a tar archive', hint: 'unpack it first' };
  if (startsWith(bytes, [0x42, 0x5a, 0x68])) return { what: 'a bzip2-compressed file' };
  if (startsWith(bytes, [0xfd, 0x37, 0x7a, 0x58, 0x5a])) return { what: 'an xz-compressed file' };
  if (/^\s*(<!doctype html|<html)/i.test(head))
    return { what: 'an HTML page (a download that returned a web page?)', hint: 'download the file itself, not its web page' };
  // Mostly printable ASCII in the first bytes: some text file (CSV, JSON, an error message).
  const printable = [...head].filter((c) => /[\x20-\x7e\t\r\n]/.test(c)).length;
  if (head.length > 0 && printable / head.length > 0.95) return { what: `a text file starting ${JSON.stringify(head.slice(0, 40))}` };
  return { what: 'unrecognised binary data' };
}
