/**
 * Adversarial inputs: every guard stays well under a second or two on 200 KB of text built to
 * make a regular expression backtrack or a check go quadratic.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintDefinitiveDiagnoses } from './definitive-diagnosis.ts';
import { groundDraft } from './grounding.ts';

const limitMs = 2000;

function timed(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

const cases: [string, () => unknown][] = [
  ['"was " repeated before no "diagnosed" (en)', () => lintDefinitiveDiagnoses('was '.repeat(50_000))],
  ['"has been " repeated (en)', () => lintDefinitiveDiagnoses('has been '.repeat(22_000) + 'x')],
  ['"a " repeated before no "diagnostiqué" (fr)', () => lintDefinitiveDiagnoses('a '.repeat(100_000), { language: 'fr' })],
  ['"a été " repeated (fr)', () => lintDefinitiveDiagnoses('a été '.repeat(33_000), { language: 'fr' })],
  ['"2 mg " repeated, grounded against itself', () => {
    const text = '2 mg '.repeat(40_000);
    return groundDraft(text, { text }, { language: 'en' });
  }],
  ['distinct numbers, grounded against themselves', () => {
    const text = Array.from({ length: 25_000 }, (_, i) => `${i} mg`).join(' ');
    return groundDraft(text, { text }, { language: 'en' });
  }],
];

for (const [name, run] of cases) {
  test(`adversarial input: ${name} takes < ${limitMs} ms`, () => {
    const ms = timed(run);
    assert.ok(ms < limitMs, `${ms.toFixed(0)} ms`);
  });
}

test('value index: a converted dose and a unitless number still ground', () => {
  const report = groundDraft('Metformin 0.5 g twice daily. Temperature 38.5 °C. Pain 4/10.', { text: 'metformin 500 mg twice a day, temp 38.5 C, pain is a four' }, { language: 'en' });
  assert.deepEqual(report.findings.map((f) => f.excerpt), []);
  const contradicted = groundDraft('Metformin 0.5 g twice daily.', { text: 'metformin 850 mg twice a day' }, { language: 'en' });
  assert.deepEqual(contradicted.findings.map((f) => f.excerpt), ['0.5 g']);
});
