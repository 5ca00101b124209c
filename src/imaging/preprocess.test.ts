import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { isNorthstationError } from '../core/errors.ts';
import type { ModalityImage } from './image.ts';
import { medGemmaImageSize, preprocessForMedGemma } from './preprocess.ts';

const size = medGemmaImageSize;

function image(overrides: Partial<ModalityImage> & Pick<ModalityImage, 'rows' | 'columns' | 'frames'>): ModalityImage {
  return { samplesPerPixel: 1, photometric: 'MONOCHROME2', bitsStored: 12, windows: [], modality: 'DX', source: { format: 'dicom', sha256: 'a'.repeat(64) }, ...overrides };
}

/** A greyscale frame whose value at (x, y) is `value(x, y)`. */
function frameOf(columns: number, rows: number, value: (x: number, y: number) => number, samples = 1): Float32Array {
  const frame = new Float32Array(columns * rows * samples);
  for (let y = 0; y < rows; y++) for (let x = 0; x < columns; x++) for (let s = 0; s < samples; s++) frame[(y * columns + x) * samples + s] = value(x, y) + s * 10;
  return frame;
}

const rgbAt = (pixels: Uint8Array, x: number, y: number): number[] => [...pixels.subarray((y * size + x) * 3, (y * size + x) * 3 + 3)];
const greyAt = (pixels: Uint8Array, x: number, y: number): number => {
  const [r, g, b] = rgbAt(pixels, x, y);
  assert.ok(r === g && g === b, `grey at ${x},${y}`);
  return r ?? -1;
};

// A ramp 896 wide and 4 high keeps scale 1 across, so windowed values reach the output unresampled; it sits in rows 446–449.
const ramp = frameOf(size, 4, (x) => x);

describe('greyscale display', () => {
  it('without a header window, min/max maps the lowest value to 0 and the highest to 255', async () => {
    const { pixels, record } = await preprocessForMedGemma(image({ rows: 4, columns: size, frames: [ramp] }));
    assert.deepEqual([greyAt(pixels, 0, 446), greyAt(pixels, 447, 447), greyAt(pixels, 895, 449)], [0, 127, 255]); // 447/895·255 = 127.36
    assert.deepEqual(record.display.mapping, { kind: 'window', from: 'min-max', center: 448, width: 896, min: 0, max: 895, function: 'dicom-linear' });
  });

  it('a header window uses the DICOM linear function', async () => {
    const { pixels, record } = await preprocessForMedGemma(image({ rows: 4, columns: size, frames: [ramp], windows: [{ center: 40, width: 80, explanation: 'NARROW' }, { center: 500, width: 1000 }] }));
    // (x − 39.5)/79 + 0.5, × 255: x=20 → 64.56, x=40 → 129.11; x ≤ 0 → 0; x > 79 → 255.
    assert.deepEqual([0, 20, 40, 79, 80, 500].map((x) => greyAt(pixels, x, 446)), [0, 65, 129, 255, 255, 255]);
    assert.deepEqual(record.display.mapping, { kind: 'window', from: 'header', center: 40, width: 80, explanation: 'NARROW', function: 'dicom-linear' });
  });

  it('MONOCHROME1 is inverted after windowing', async () => {
    const { pixels, record } = await preprocessForMedGemma(image({ rows: 4, columns: size, frames: [ramp], photometric: 'MONOCHROME1' }));
    assert.deepEqual([greyAt(pixels, 0, 446), greyAt(pixels, 447, 446), greyAt(pixels, 895, 446)], [255, 128, 0]);
    assert.equal(record.display.inverted, true);
  });

  it('a VOI LUT maps through its entries when there is no header window', async () => {
    const voiLut = { firstMapped: 10, bitsPerEntry: 8, data: Uint16Array.from([0, 51, 255]) };
    const { pixels, record } = await preprocessForMedGemma(image({ rows: 4, columns: size, frames: [ramp], voiLut }));
    // Below the first mapped value → first entry; 11 → 51; beyond the end → last entry.
    assert.deepEqual([0, 10, 11, 12, 600].map((x) => greyAt(pixels, x, 446)), [0, 0, 51, 255, 255]);
    assert.deepEqual(record.display.mapping, { kind: 'voi-lut', firstMapped: 10, entries: 3, bitsPerEntry: 8 });
  });
});

it('CT: the wide, mediastinal and brain windows go to R, G and B', async () => {
  const hu = [-1024, 0, 40, 1000, 3000];
  const { pixels, record } = await preprocessForMedGemma(image({ rows: 1, columns: size, modality: 'CT', windows: [{ center: 40, width: 400 }], frames: [frameOf(size, 1, (x) => hu[x] ?? -2000)] }));
  // R: (HU + 1024)/2048; G: (HU + 135)/350; B: HU/80 — each × 255, clipped.
  assert.deepEqual([0, 1, 2, 3, 4].map((x) => rgbAt(pixels, x, 447)), [[0, 0, 0], [128, 98, 0], [132, 128, 128], [252, 255, 255], [255, 255, 255]]);
  assert.equal(record.display.mapping.kind, 'ct-windows', 'the header window is not what MedGemma was trained on');
});

it('RGB is kept as it is', async () => {
  const frame = frameOf(size, 2, (x) => x % 200, 3);
  const { pixels } = await preprocessForMedGemma(image({ rows: 2, columns: size, samplesPerPixel: 3, photometric: 'RGB', bitsStored: 8, modality: 'OT', frames: [frame] }));
  assert.deepEqual(rgbAt(pixels, 150, 447), [150, 160, 170]);
});

describe('resize and padding', () => {
  it('a wide image is scaled so its long side is 896 and padded black above and below', async () => {
    const { pixels, record } = await preprocessForMedGemma(image({ rows: 224, columns: 448, frames: [frameOf(448, 224, () => 100)], windows: [{ center: 128, width: 256 }] }));
    assert.deepEqual({ ...record.resize, filter: undefined, rounding: undefined }, { scale: 2, width: 896, height: 448, left: 0, top: 224, right: 0, bottom: 224, filter: undefined, rounding: undefined });
    assert.deepEqual([223, 224, 671, 672].map((y) => greyAt(pixels, 500, y)), [0, 100, 100, 0]);
  });

  it('a tall image is padded left and right; odd padding puts the extra pixel last', async () => {
    const { pixels, record } = await preprocessForMedGemma(image({ rows: 896, columns: 299, frames: [frameOf(299, 896, () => 200)], windows: [{ center: 128, width: 256 }] }));
    assert.deepEqual([record.resize.width, record.resize.left, record.resize.right], [299, 298, 299]);
    assert.deepEqual([297, 298, 596, 597].map((x) => greyAt(pixels, x, 10)), [0, 200, 200, 0]);
  });

  it('shrinking averages every source column: stripes one pixel wide become mid-grey, not aliased black or white', async () => {
    const { pixels } = await preprocessForMedGemma(image({ rows: 2, columns: 2 * size, frames: [frameOf(2 * size, 2, (x) => (x % 2) * 255)], windows: [{ center: 128, width: 256 }] }));
    // Taps 1/8, 3/8, 3/8, 1/8 over 255, 0, 255, 0 → 127.5.
    assert.deepEqual([1, 400, 894].map((x) => greyAt(pixels, x, 447)), [128, 128, 128]);
  });
});

it('deterministic, and the PNG holds exactly the raw pixels', async () => {
  const input = image({ rows: 300, columns: 517, frames: [frameOf(517, 300, (x, y) => (x * 7 + y * 13) % 4096)] });
  const first = await preprocessForMedGemma(input);
  const second = await preprocessForMedGemma(input);
  assert.equal(first.record.output.pixelsSha256, second.record.output.pixelsSha256);
  const decoded = await sharp(first.png).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([decoded.info.width, decoded.info.height, decoded.info.channels], [size, size, 3]);
  assert.ok(Buffer.from(first.pixels).equals(decoded.data));
  assert.equal(first.record.source.sha256, 'a'.repeat(64));
});

describe('refusals', () => {
  const cases: [string, ModalityImage, string, number?][] = [
    ['absurd size', image({ rows: 20000, columns: 10, frames: [] }), 'payload_too_large'],
    ['zero rows', image({ rows: 0, columns: 10, frames: [] }), 'bad_request'],
    ['short frame', image({ rows: 10, columns: 10, frames: [new Float32Array(99)] }), 'bad_request'],
    ['NaN pixel', image({ rows: 1, columns: 2, frames: [Float32Array.from([1, Number.NaN])] }), 'bad_request'],
    ['missing frame', image({ rows: 1, columns: 1, frames: [new Float32Array(1)] }), 'bad_request', 1],
    ['RGB with one sample', image({ rows: 1, columns: 1, photometric: 'RGB', frames: [new Float32Array(1)] }), 'bad_request'],
  ];
  for (const [name, input, code, frame] of cases) {
    it(name, async () => {
      await assert.rejects(preprocessForMedGemma(input, frame === undefined ? {} : { frame }), (error) => isNorthstationError(error) && error.code === code);
    });
  }
});
