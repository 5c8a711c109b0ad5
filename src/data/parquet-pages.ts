/**
 * A check of a parquet file's page headers before hyparquet decodes it. hyparquet sizes its value
 * arrays from each page header's `num_values`; a damaged header declaring ~10^8 values made V8
 * abort the whole process ("Fatal JavaScript invalid size error", found by src/fuzz). This walks
 * every column chunk's pages (Thrift compact protocol, parquet-format's PageHeader) and refuses a
 * page whose counts or sizes disagree with the column chunk's metadata.
 */
import { AlzbenchError } from '../util/errors.js';

/** The column chunk fields the check needs (hyparquet's ColumnMetaData). */
interface ChunkMeta {
  readonly num_values: bigint | number;
  readonly total_compressed_size: bigint | number;
  readonly data_page_offset: bigint | number;
  readonly dictionary_page_offset?: bigint | number | undefined;
  readonly path_in_schema: readonly string[];
}

/** hyparquet's FileMetaData, as far as the check reads it. */
export interface PageCheckMetadata {
  readonly row_groups: readonly { readonly columns: readonly { readonly meta_data?: ChunkMeta | undefined }[] }[];
}

class Reader {
  pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }
  byte(): number {
    if (this.pos >= this.end) throw new Error('page header runs past its column chunk');
    return this.bytes[this.pos++]!;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      if (shift < 49) result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) return result;
      if (shift > 70) throw new Error('varint too long');
    }
  }
  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
  skip(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new Error('page header field runs past its column chunk');
    this.pos += n;
  }
}

/** Skips one value of a Thrift compact type. */
function skipValue(r: Reader, type: number, depth: number): void {
  if (depth > 16) throw new Error('page header nests too deeply');
  switch (type) {
    case 1:
    case 2:
      return;
    case 3:
      r.skip(1);
      return;
    case 4:
    case 5:
    case 6:
      r.varint();
      return;
    case 7:
      r.skip(8);
      return;
    case 8:
      r.skip(r.varint());
      return;
    case 9:
    case 10: {
      const head = r.byte();
      const size = head >> 4 === 15 ? r.varint() : head >> 4;
      for (let i = 0; i < size; i++) skipValue(r, head & 0x0f, depth + 1);
      return;
    }
    case 11: {
      const size = r.varint();
      if (size === 0) return;
      const kinds = r.byte();
      for (let i = 0; i < size; i++) {
        skipValue(r, kinds >> 4, depth + 1);
        skipValue(r, kinds & 0x0f, depth + 1);
      }
      return;
    }
    case 12:
      readStruct(r, depth + 1, () => false);
      return;
    default:
      throw new Error(`unknown Thrift type ${type}`);
  }
}

/** Reads a struct's fields; `onField` reads the ones it wants (returns true) and the rest are skipped. */
function readStruct(r: Reader, depth: number, onField: (id: number, type: number) => boolean): void {
  let id = 0;
  for (;;) {
    const head = r.byte();
    if (head === 0) return;
    const delta = head >> 4;
    id = delta === 0 ? r.zigzag() : id + delta;
    const type = head & 0x0f;
    if (!onField(id, type)) skipValue(r, type, depth);
  }
}

/** The parts of a PageHeader the check uses. */
interface PageHeader {
  type: number;
  uncompressedSize: number;
  compressedSize: number;
  numValues: number;
}

function readPageHeader(r: Reader): PageHeader {
  const header: PageHeader = { type: -1, uncompressedSize: -1, compressedSize: -1, numValues: -1 };
  readStruct(r, 0, (id, type) => {
    if (type === 5 && id <= 3) {
      const value = r.zigzag();
      if (id === 1) header.type = value;
      else if (id === 2) header.uncompressedSize = value;
      else header.compressedSize = value;
      return true;
    }
    // data_page_header (5), dictionary_page_header (7), data_page_header_v2 (8): field 1 is num_values.
    if (type === 12 && (id === 5 || id === 7 || id === 8)) {
      readStruct(r, 1, (inner, innerType) => {
        if (inner === 1 && innerType === 5) {
          header.numValues = r.zigzag();
          return true;
        }
        return false;
      });
      return true;
    }
    return false;
  });
  return header;
}

/**
 * Walks every page header of every column chunk and checks it against the chunk's metadata.
 *
 * @param file the file's name, for error messages
 * @param bytes the whole parquet file
 * @param metadata the footer's metadata (hyparquet's FileMetaData): row groups and column chunks
 * @param maxPageBytes largest uncompressed page accepted
 * @throws AlzbenchError (exit 2) naming the file, column and byte offset of the first bad page.
 */
export function checkParquetPages(file: string, bytes: Uint8Array, metadata: PageCheckMetadata, maxPageBytes: number): void {
  for (const group of metadata.row_groups) {
    for (const column of group.columns) {
      const meta = column.meta_data;
      if (!meta) continue;
      const name = meta.path_in_schema.join('.');
      const declared = Number(meta.num_values);
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      const fail = (at: number, problem: string) =>
        new AlzbenchError(`${file} is a damaged parquet file: column ${name}, page at byte ${at}: ${problem}`, {
          exitCode: 2,
          hint: 'the file is damaged; download or export it again',
        });
      if (!(Number.isSafeInteger(start) && start >= 4 && Number.isSafeInteger(end) && end <= bytes.length && end >= start)) {
        throw fail(start, `the column chunk [${start}, ${end}) lies outside the file's ${bytes.length} bytes`);
      }
      let values = 0;
      let pos = start;
      while (pos < end && values < declared) {
        const reader = new Reader(bytes, pos, end);
        let header: PageHeader;
        try {
          header = readPageHeader(reader);
        } catch (error) {
          throw fail(pos, `unreadable page header (${(error as Error).message})`);
        }
        if (header.compressedSize < 0 || reader.pos + header.compressedSize > end)
          throw fail(pos, `its ${header.compressedSize} bytes run past the column chunk`);
        if (header.uncompressedSize < 0 || header.uncompressedSize > maxPageBytes)
          throw fail(pos, `it declares ${header.uncompressedSize} uncompressed bytes (limit ${maxPageBytes})`);
        if (header.numValues < 0 || header.numValues > declared) throw fail(pos, `it declares ${header.numValues} values; the column chunk has ${declared}`);
        if (header.type !== 2) values += header.numValues; // 2 = DICTIONARY_PAGE
        pos = reader.pos + header.compressedSize;
      }
      if (values > declared) throw fail(start, `its pages declare ${values} values; the column chunk has ${declared}`);
    }
  }
}
