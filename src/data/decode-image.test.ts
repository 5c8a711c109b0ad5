// Decoding as cv2.imread(path, IMREAD_GRAYSCALE) does, checked against the OpenCV reference images
// and values committed with ../shared/cases/10-* and 11-* (expected/cv2_gray.json, expected/cv2-gray/*.png,
// expected/decode.json: opencv-python 5.0.0, Pillow 12.3).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodeImage, type BadImageError } from './decode-image.js';
import { decodeImageCv } from './decode-cv.js';
import { probeImage } from './image-header.js';
import { sourcePath } from '../testing/tensor-helpers.js';

const CASE10 = sourcePath('../shared/cases/10-jpeg-cmyk-exif-truncated');
const CASE11 = sourcePath('../shared/cases/11-bmp-png-decoders');
const noCases = existsSync(CASE10) && existsSync(CASE11) ? false : 'needs ../shared/cases';
const noCv = decodeImageCv ? false : 'addon built without OpenCV imgcodecs';

const mean = (d: Uint8Array) => d.reduce((s, v) => s + v, 0) / d.length;
async function referenceGray(path: string): Promise<Uint8Array> {
  const { data } = await sharp(path).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

/** A 16-bit gray PNG (big-endian samples, filter 0 per row), written by hand so the values are exact. */
function gray16Png(width: number, height: number, values: number[]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 16; // bit depth; colour type 0 (gray)
  const raw = Buffer.alloc(height * (1 + width * 2));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.writeUInt16BE(values[y * width + x]!, y * (1 + width * 2) + 1 + x * 2);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** BMP files whose V2+ header bit-field masks Debian's OpenCV 4.6 ignores; decoded by libnsbmp instead. */
const BITFIELD_V2 = new Set(['bmp-questionable/rgb32bf-xbgr.bmp', 'bmp-questionable/rgba32.bmp', 'bmp-questionable/rgba32h56.bmp']);

test('every BMP-suite file (all depths, RLE, OS/2, V4/V5) and the PNG edge files decode to cv2.imread GRAYSCALE pixels', {
  skip: noCases || noCv,
}, async () => {
  const expected = JSON.parse(readFileSync(join(CASE11, 'expected/cv2_gray.json'), 'utf8')) as Record<
    string,
    { cv2_gray_wxh?: string; cv2_gray_mean?: number }
  >;
  let exact = 0;
  for (const [rel, want] of Object.entries(expected)) {
    if (!want.cv2_gray_wxh || rel === 'png/i_trns.png') continue;
    const image = await decodeImage(join(CASE11, 'data', rel), { name: rel });
    assert.equal(`${image.width}x${image.height}`, want.cv2_gray_wxh, rel);
    const reference = await referenceGray(join(CASE11, 'expected/cv2-gray', `${rel.replace('/', '__')}.png`));
    let diff = 0;
    let maxDiff = 0;
    for (let i = 0; i < reference.length; i++) {
      diff += Math.abs(reference[i]! - image.data[i]!);
      maxDiff = Math.max(maxDiff, Math.abs(reference[i]! - image.data[i]!));
    }
    if (BITFIELD_V2.has(rel)) {
      // The right picture; OpenCV 5 rounds its gray conversion of these differently (0.4 mean, 1 max gray level).
      assert.ok(maxDiff <= 1 && diff / reference.length < 0.5, `${rel}: mean |diff| ${diff / reference.length}, max ${maxDiff}`);
    } else {
      assert.equal(diff, 0, `${rel}: pixels differ from cv2`);
      assert.equal(Number(mean(image.data).toFixed(3)), want.cv2_gray_mean, rel);
      exact++;
    }
  }
  assert.equal(exact, 23 + 3 + 5); // 23 good BMPs, 3 questionable, 5 PNGs
});

test('a 16-bit PNG holding 8-bit values keeps its picture (cv2 would make it black) and says so; full-range 16-bit follows cv2', {
  skip: noCases || noCv,
}, async () => {
  const notes: string[] = [];
  const iTrns = await decodeImage(join(CASE11, 'data/png/i_trns.png'), { name: 'i_trns.png', onNote: (n) => notes.push(n) });
  const lTrns = await decodeImage(join(CASE11, 'data/png/l_trns.png'));
  assert.ok(Buffer.from(iTrns.data).equals(Buffer.from(lTrns.data))); // the same picture stored in 8 bits
  assert.deepEqual(notes, [
    "i_trns.png: 16-bit image uses 8 of 16 bits (max 255); scaled by 255/255 to 8 bits instead of cv2's value/256, which would make it black",
  ]);
  // 12-bit values in a 16-bit PNG: scaled by 255/4095.
  const png = gray16Png(2, 2, [0, 1000, 2048, 4095]);
  const twelve = await decodeImage(png, { name: 'x.png', onNote: (n) => notes.push(n) });
  assert.deepEqual([...twelve.data], [0, 62, 128, 255]);
  assert.match(notes[1]!, /uses 12 of 16 bits \(max 4095\); scaled by 255\/4095/);
});

test('JPEG: EXIF orientation 1-8 applied and CMYK/YCCK converted as cv2.imread does; truncated and corrupt files are named problems', {
  skip: noCases || noCv,
}, async () => {
  const expected = JSON.parse(readFileSync(join(CASE10, 'expected/decode.json'), 'utf8')) as Record<
    string,
    { cv2_imread_gray?: { size_wxh: string; mean: number } | null }
  >;
  for (const rel of [...readdirSync(join(CASE10, 'data/exif')).map((f) => `exif/${f}`), 'cmyk/Channel_digital_image_CMYK_color_no_profile.jpg']) {
    const image = await decodeImage(join(CASE10, 'data', rel));
    const want = expected[rel]!.cv2_imread_gray!;
    assert.equal(`${image.width}x${image.height}`, want.size_wxh, rel);
    assert.equal(Number(mean(image.data).toFixed(3)), want.mean, rel);
  }
  await assert.rejects(decodeImage(join(CASE10, 'data/broken/truncated.jpg'), { name: 'truncated.jpg' }), {
    kind: 'truncated',
    message: 'Truncated image: truncated.jpg (Premature end of JPEG file: no end-of-image marker after the scan data (10000 bytes))',
  });
  await assert.rejects(decodeImage(join(CASE10, 'data/broken/corrupt-header.jpg'), { name: 'c.jpg' }), {
    kind: 'truncated',
    message: 'Truncated image: c.jpg (JPEG ends inside segment 0xe1 (needs 9548 bytes, file has 1024))',
  });
  await assert.rejects(decodeImage(join(CASE11, 'data/png/truncated.png'), { name: 't.png' }), { kind: 'truncated' });
  await assert.rejects(decodeImage(join(CASE11, 'data/png/broken.png'), { name: 'b.png' }), { kind: 'not-image' });
});

test('Git LFS pointers, AppleDouble files and HTML pages are named for what they are', async () => {
  const pointer = Buffer.from(
    'version https://git-lfs.github.com/spec/v1\noid sha256:e63d313d870f6aa2e08dfc11a85229086c13eec96b85bbc01f2739e335e27161\nsize 8427\n',
  );
  await assert.rejects(decodeImage(pointer, { name: 'a.jpg' }), (error: BadImageError) => {
    assert.equal(error.kind, 'lfs-pointer');
    assert.equal(
      error.message,
      'Git LFS pointer instead of the image: a.jpg (Git LFS pointer, not the file itself (real file 8,427 bytes, oid sha256:e63d313d870f…); run `git lfs pull` to fetch it)',
    );
    return true;
  });
  const appleDouble = Buffer.concat([Buffer.from([0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00]), Buffer.from('Mac OS X        ')]);
  assert.throws(() => probeImage(appleDouble, '._x.jpg'), {
    kind: 'not-image',
    message: 'Not an image: ._x.jpg (AppleDouble metadata file (macOS "._" resource fork), not an image)',
  });
  assert.throws(() => probeImage(Buffer.from('<!DOCTYPE html><html>'), 'x.png'), { detail: 'an HTML page (often a failed download or a login page)' });
  // A header declaring more than the limits is refused before any pixel is decoded.
  const huge = gray16Png(2, 2, [0, 1, 2, 3]);
  huge.writeUInt32BE(20000, 16);
  huge.writeUInt32BE(9000, 20);
  await assert.rejects(decodeImage(huge, { name: 'huge.png' }), {
    kind: 'too-large',
    message: 'Image too large: huge.png (png: the header declares 20000x9000 pixels; the limit is 16384 x 16384 pixels)',
  });
});

test('the fallback without the addon (sharp, libnsbmp) follows cv2: EXIF, ICC ignored, every BMP, 16-bit rule', { skip: noCases }, async () => {
  const decode = JSON.parse(readFileSync(join(CASE10, 'expected/decode.json'), 'utf8')) as Record<
    string,
    { cv2_imread_gray?: { size_wxh: string; mean: number } | null }
  >;
  for (const f of readdirSync(join(CASE10, 'data/exif'))) {
    const image = await decodeImage(join(CASE10, 'data/exif', f), { decoder: 'fallback' });
    const want = decode[`exif/${f}`]!.cv2_imread_gray!;
    assert.equal(`${image.width}x${image.height}`, want.size_wxh, f);
    assert.ok(Math.abs(mean(image.data) - want.mean) < 0.05, `${f}: mean ${mean(image.data)} vs cv2 ${want.mean}`);
  }
  // CMYK: right size; sharp's CMYK->sRGB differs from cv2's formula (114.99 vs 123.5 mean gray).
  const cmyk = await decodeImage(join(CASE10, 'data/cmyk/Channel_digital_image_CMYK_color_no_profile.jpg'), { decoder: 'fallback' });
  assert.deepEqual([cmyk.width, cmyk.height], [500, 333]);
  const expected = JSON.parse(readFileSync(join(CASE11, 'expected/cv2_gray.json'), 'utf8')) as Record<
    string,
    { cv2_gray_wxh?: string; cv2_gray_mean?: number }
  >;
  for (const [rel, want] of Object.entries(expected)) {
    if (!want.cv2_gray_wxh || !rel.startsWith('bmp-good/') || rel === 'bmp-good/rgb32bf.bmp') continue; // cv2's gray of rgb32bf is its own quirk (53.6; the picture is 119.9)
    const image = await decodeImage(join(CASE11, 'data', rel), { decoder: 'fallback' });
    assert.deepEqual([`${image.width}x${image.height}`, Number(mean(image.data).toFixed(3))], [want.cv2_gray_wxh, want.cv2_gray_mean], rel);
  }
  const notes: string[] = [];
  const iTrns = await decodeImage(join(CASE11, 'data/png/i_trns.png'), { decoder: 'fallback', name: 'i_trns.png', onNote: (n) => notes.push(n) });
  assert.equal(Number(mean(iTrns.data).toFixed(3)), 123.912);
  assert.match(notes[0]!, /uses 8 of 16 bits/);
});

test('16-bit TIFF/PNG (full range and 12-bit), colour TIFF/PNG/BMP: cv2 4.6 values from scripts/fixtures/make_decode_fixtures.py', async () => {
  const fixture = JSON.parse(readFileSync(sourcePath('src/data/fixtures/decode/expected.json'), 'utf8')) as {
    files: Record<string, { width: number; height: number; cv2_gray: number[]; cv2_anydepth: number[] }>;
  };
  for (const decoder of noCv ? (['fallback'] as const) : (['auto', 'fallback'] as const)) {
    for (const [name, want] of Object.entries(fixture.files)) {
      const notes: string[] = [];
      const image = await decodeImage(sourcePath(`src/data/fixtures/decode/${name}`), { name, decoder, onNote: (n) => notes.push(n) });
      assert.deepEqual([image.width, image.height, image.channels], [want.width, want.height, 1], `${decoder} ${name}`);
      const max = Math.max(...want.cv2_anydepth);
      if (name.startsWith('gray16-12bit')) {
        assert.equal(max, 4095);
        assert.deepEqual(
          [...image.data],
          want.cv2_anydepth.map((v) => Math.round((v * 255) / 4095)),
          `${decoder} ${name}`,
        );
        assert.match(notes[0]!, /uses 12 of 16 bits \(max 4095\); scaled by 255\/4095 to 8 bits instead of cv2's value\/256, which would make it 0\.\.15$/);
      } else if (decoder === 'auto' || name.startsWith('gray16') || name.endsWith('.bmp')) {
        assert.deepEqual([...image.data], want.cv2_gray, `${decoder} ${name}`);
        assert.deepEqual(notes, name.startsWith('gray16') ? [`${name}: 16-bit image scaled to 8 bits as cv2 does (value / 256)`] : []);
      } else {
        // sharp's colour path converts with cv2's RGB weights; cv2's TIFF/PNG gray paths round a little differently.
        const diff = want.cv2_gray.reduce((s, v, i) => Math.max(s, Math.abs(v - image.data[i]!)), 0);
        assert.ok(diff <= 1, `${decoder} ${name}: max |diff| ${diff}`);
      }
    }
  }
});
