/**
 * Every consumer of the shared token and invisible-character lists agrees:
 * what the fence neutralises, the gate's leak detector sees, and the text
 * normaliser drops.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasLeakMarker } from '../conformance/leak-markers.ts';
import { neutraliseSourceText } from '../injection.ts';
import { cleanModelOutput } from '../output-hygiene.ts';
import { textView } from '../text-view.ts';
import { angleTokenNames, invisibleRanges } from './model-tokens.ts';

test('every template token is neutralised in source text and detected as a leak in output', () => {
  for (const name of [...angleTokenNames, 'unused94']) {
    for (const token of [`<${name}>`, `</${name}>`]) {
      assert.equal(hasLeakMarker(`before ${token} after`), true, token);
      const neutral = neutraliseSourceText(`before ${token} after`);
      assert.ok(!neutral.includes('<') && !neutral.includes('>'), `${token} → ${neutral}`);
      assert.equal(hasLeakMarker(neutral), false, `${token} is inert once neutralised`);
    }
  }
});

test('every template token a model can emit is stripped from its output', () => {
  // Opening forms only: `</start_of_turn>` and the like exist in no template, so no model emits them.
  for (const name of [...angleTokenNames, 'unused94']) {
    assert.equal(hasLeakMarker(cleanModelOutput(`before <${name}> after`).text), false, `<${name}>`);
  }
});

test('every invisible character is removed by the fence and ignored by the normaliser', () => {
  for (const [from, to] of invisibleRanges) {
    for (const code of new Set([from, to])) {
      const hidden = `ig${String.fromCharCode(code)}nore`;
      assert.equal(neutraliseSourceText(hidden), 'ignore', `U+${code.toString(16)}`);
      assert.equal(textView(hidden).text, 'ignore', `U+${code.toString(16)}`);
    }
  }
});
