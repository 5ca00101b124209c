import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { isNorthstationError } from '../core/errors.ts';
import { sharedDataDir } from '../core/shared-data.ts';
import { preprocessForMedGemma } from './preprocess.ts';
import { declaredSize, fullRange8Bit, rasterToModalityImage } from './raster.ts';

const cxrFiles = ['nih-cxr14-00000001_000.png', 'nih-cxr14-00027426_000.png'];

/** A raw image encoded by sharp: `channels` samples per pixel, 8- or 16-bit. */
async function encode(format: 'png' | 'jpeg', width: number, height: number, channels: 1 | 3, sample: (i: number) => number, sixteen = false): Promise<Uint8Array> {
  const data = sixteen ? new Uint16Array(width * height * channels) : new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = sample(i);
  // sharp takes the sample depth from the typed array's type.
  const image = sharp(data, { raw: { width, height, channels } });
  const typed = sixteen ? image.toColourspace(channels === 1 ? 'grey16' : 'rgb16') : image;
  return new Uint8Array(await (format === 'png' ? typed.png() : typed.jpeg({ quality: 100 })).toBuffer());
}

describe('the public chest X-rays (../shared/data/cxr)', () => {
  for (const name of cxrFiles) {
    it(name, async () => {
      const bytes = new Uint8Array(await readFile(join(sharedDataDir(), 'cxr', name)));
      const image = await rasterToModalityImage(bytes);
      assert.deepEqual([image.rows, image.columns, image.samplesPerPixel, image.photometric, image.bitsStored, image.modality], [512, 512, 1, 'MONOCHROME2', 8, 'OT']);
      assert.equal(image.source.sha256, createHash('sha256').update(bytes).digest('hex'));
      const frame = image.frames[0];
      assert.equal(frame?.length, 512 * 512);
      // sharp's default raw output is sRGB: three equal samples per grey pixel.
      const decoded = await sharp(bytes).raw().toBuffer();
      for (const at of [0, 1000, 131_072, 262_143]) assert.equal(frame[at], decoded[at * 3], `pixel ${at} is the file's own value`);
      assert.deepEqual(image.windows, [fullRange8Bit]);

      const preprocessed = await preprocessForMedGemma(image);
      assert.deepEqual([preprocessed.record.resize.scale, preprocessed.record.resize.left, preprocessed.record.resize.top], [1.75, 0, 0]);
      assert.equal(preprocessed.record.source.sha256, image.source.sha256);
    });
  }
});

describe('intake of synthetic uploads', () => {
  it('RGB with equal channels is greyscale; with unequal channels stays RGB', async () => {
    const grey = await rasterToModalityImage(await encode('png', 4, 3, 3, (i) => Math.floor(i / 3) * 10));
    assert.deepEqual([grey.samplesPerPixel, grey.photometric, Array.from(grey.frames[0] ?? [])], [1, 'MONOCHROME2', [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]]);
    const colour = await rasterToModalityImage(await encode('png', 4, 3, 3, (i) => (i % 3 === 0 ? 200 : 20)));
    assert.deepEqual([colour.samplesPerPixel, colour.photometric, colour.frames[0]?.length, colour.windows.length], [3, 'RGB', 36, 0]);
    assert.deepEqual(Array.from(colour.frames[0]?.subarray(0, 3) ?? []), [200, 20, 20]);
  });

  it('a 16-bit greyscale PNG keeps its 16-bit values and gets no window', async () => {
    const image = await rasterToModalityImage(await encode('png', 3, 2, 1, (i) => i * 800, true));
    assert.deepEqual([image.bitsStored, image.windows.length, Array.from(image.frames[0] ?? [])], [16, 0, [0, 800, 1600, 2400, 3200, 4000]]);
  });

  it('a JPEG decodes with its declared size', async () => {
    const bytes = await encode('jpeg', 40, 24, 1, () => 128);
    assert.deepEqual(declaredSize(bytes, 'jpeg'), { width: 40, height: 24 });
    const image = await rasterToModalityImage(bytes);
    assert.deepEqual([image.source.format, image.columns, image.rows, image.samplesPerPixel], ['jpeg', 40, 24, 1]);
  });
});

describe('refusals', () => {
  it('a header declaring a huge image is refused before decoding (decompression bomb)', async () => {
    const bytes = await encode('png', 8, 8, 1, () => 0);
    // IHDR width and height → 100 000 × 100 000; the CRC is now wrong too, so only a pre-decode check can give this error.
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setUint32(16, 100_000);
    view.setUint32(20, 100_000);
    await assert.rejects(rasterToModalityImage(bytes), (error) => isNorthstationError(error, 'payload_too_large') && /before decoding/.test(error.message));
  });

  it('a JPEG over the pixel limit is refused from its SOF', async () => {
    const bytes = await encode('jpeg', 200, 100, 3, () => 50);
    await assert.rejects(rasterToModalityImage(bytes, { limits: { maxPixels: 19_999 } }), (error) => isNorthstationError(error, 'payload_too_large') && error.details.width === 200);
  });

  it('too many bytes, not an image, or a truncated image', async () => {
    const png = await encode('png', 64, 64, 1, (i) => i % 251);
    await assert.rejects(rasterToModalityImage(png, { limits: { maxBytes: 10 } }), (error) => isNorthstationError(error, 'payload_too_large'));
    await assert.rejects(rasterToModalityImage(new TextEncoder().encode('GIF89a…')), (error) => isNorthstationError(error, 'bad_request') && /neither a PNG nor a JPEG/.test(error.message));
    await assert.rejects(rasterToModalityImage(png.subarray(0, 60)), (error) => isNorthstationError(error, 'bad_request') && /could not be decoded/.test(error.message));
  });
});
