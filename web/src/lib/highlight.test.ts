import assert from 'node:assert/strict';
import { test } from 'node:test';
import { highlightSegments } from './highlight.ts';

const show = (text: string, spans: { start: number; end: number }[]): string =>
  highlightSegments(text, spans).map((segment) => (segment.highlighted ? `[${segment.text}]` : segment.text)).join('');

test('spans are marked where the grounding says', () => {
  assert.equal(show('Patient reports chest pain since Monday.', [{ start: 16, end: 26 }]), 'Patient reports [chest pain] since Monday.');
});

test('overlapping and adjacent spans merge; out-of-range spans are clipped; empty spans ignored', () => {
  assert.equal(show('abcdefghij', [{ start: 2, end: 5 }, { start: 4, end: 7 }, { start: 7, end: 8 }, { start: 9, end: 40 }, { start: 3, end: 3 }]), 'ab[cdefgh]i[j]');
  assert.equal(show('abc', []), 'abc');
  assert.equal(show('abc', [{ start: -5, end: 99 }]), '[abc]');
});
