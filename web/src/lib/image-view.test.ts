import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialWindow, renderRgba } from './image-view.ts';

const mono = (values: number[]): Uint8Array => new Uint8Array(new Float32Array(values).buffer);

test('values below, inside and above the window map to black, grey and white (DICOM linear VOI)', () => {
  const rgba = renderRgba({ width: 3, height: 1, kind: 'mono', invert: false }, mono([-1000, 40, 1000]), { center: 40, width: 400 });
  assert.deepEqual([rgba[0], rgba[4], rgba[8]], [0, 128, 255]);
  assert.equal(rgba[7], 255);
});

test('MONOCHROME1 is inverted', () => {
  const rgba = renderRgba({ width: 2, height: 1, kind: 'mono', invert: true }, mono([0, 4095]), { center: 2048, width: 4096 });
  assert.deepEqual([rgba[0], rgba[4]], [255, 0]);
});

test('a narrower window raises contrast around its centre', () => {
  const wide = renderRgba({ width: 1, height: 1, kind: 'mono', invert: false }, mono([60]), { center: 40, width: 400 });
  const narrow = renderRgba({ width: 1, height: 1, kind: 'mono', invert: false }, mono([60]), { center: 40, width: 80 });
  assert.ok(narrow[0]! > wide[0]!);
});

test('the initial window is the file\'s, else the full range', () => {
  assert.deepEqual(initialWindow({ window: { center: 600, width: 1200 }, range: { min: 0, max: 4095 } }), { center: 600, width: 1200 });
  assert.deepEqual(initialWindow({ window: null, range: { min: -1024, max: 3071 } }), { center: 1023.5, width: 4095 });
});
