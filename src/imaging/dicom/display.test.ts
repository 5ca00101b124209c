import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModalityImage } from '../image.ts';
import { toDisplay8 } from './display.ts';

function image(values: number[], overrides: Partial<ModalityImage> = {}): ModalityImage {
  return {
    rows: 1, columns: values.length, samplesPerPixel: 1, photometric: 'MONOCHROME2', frames: [Float32Array.from(values)],
    bitsStored: 12, windows: [], modality: 'CT', source: { format: 'dicom', sha256: '' }, ...overrides,
  };
}

test('the linear window of PS3.3 C.11.2.1.2: clamped outside, linear inside', () => {
  // c = 40, w = 400 (a soft-tissue window): below c − 0.5 − 199.5 = −160 is black, above 239.5 white.
  const out = toDisplay8(image([-1000, -160, 39.5, 240, 3000]), 0, { center: 40, width: 400 });
  assert.deepEqual(Array.from(out), [0, 0, 128, 255, 255]);
});

test('the header window is the default, and MONOCHROME1 is inverted for display only', () => {
  const values = [0, 100, 200];
  const windows = [{ center: 100, width: 200 }];
  const mono2 = toDisplay8(image(values, { windows }));
  const mono1Image = image(values, { windows, photometric: 'MONOCHROME1' });
  const mono1 = toDisplay8(mono1Image);
  assert.deepEqual(Array.from(mono1), Array.from(mono2).map((v) => 255 - v));
  assert.equal(mono1Image.frames[0]![0], 0, 'the image itself is not changed');
});

test('a VOI LUT maps through its table, clamping below the first mapped value and above the last', () => {
  const voiLut = { firstMapped: 10, bitsPerEntry: 8, data: Uint16Array.from([0, 51, 255]) };
  assert.deepEqual(Array.from(toDisplay8(image([0, 10, 11, 12, 99], { voiLut }))), [0, 0, 51, 255, 255]);
});

test('without a window the frame min–max spans the output', () => {
  const out = toDisplay8(image([100, 150, 200]));
  assert.equal(out[0], 0);
  assert.equal(out[2], 255);
});

test('RGB scales to 8 bits; a missing frame or a width below 1 is a bad request', () => {
  const rgb = image([255, 0, 128], { samplesPerPixel: 3, photometric: 'RGB', bitsStored: 8, columns: 1 });
  assert.deepEqual(Array.from(toDisplay8(rgb)), [255, 0, 128]);
  assert.throws(() => toDisplay8(rgb, 3), /frame 3/);
  assert.throws(() => toDisplay8(image([1]), 0, { center: 0, width: 0 }), /below 1/);
});
