import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applySuggestions, findingAt, type Finding } from './finding.ts';

const text = 'Patient has pneumonia. Give morphine 2 mg IV.';

test('findingAt keeps the excerpt equal to the span', () => {
  const finding = findingAt(text, 'definitive-diagnosis', 0, 21, 'definitive');
  assert.equal(finding.excerpt, 'Patient has pneumonia');
  assert.equal('suggestion' in finding, false);
});

test('suggestions replace their spans; findings without one leave text alone', () => {
  const findings: Finding[] = [
    findingAt(text, 'prescriptive-order', 23, 44, 'order', 'Consider morphine 2 mg IV — clinician to confirm'),
    findingAt(text, 'phi', 0, 7, 'no suggestion here'),
    findingAt(text, 'definitive-diagnosis', 0, 21, 'definitive', 'Findings suggest possible pneumonia'),
  ];
  assert.equal(applySuggestions(text, findings), 'Findings suggest possible pneumonia. Consider morphine 2 mg IV — clinician to confirm.');
});

test('of two overlapping suggestions the earlier one wins, whatever the order given', () => {
  const first = findingAt(text, 'definitive-diagnosis', 0, 21, 'a', 'A');
  const overlapping = findingAt(text, 'prescriptive-order', 12, 30, 'b', 'B');
  assert.equal(applySuggestions(text, [overlapping, first]), 'A' + text.slice(21));
  assert.equal(applySuggestions(text, [first, overlapping]), 'A' + text.slice(21));
});

test('many findings in a long text are applied in one linear pass', () => {
  const long = 'x '.repeat(100_000);
  const findings = Array.from({ length: 100_000 }, (_, i) => findingAt(long, 'phi', 2 * i, 2 * i + 1, 'x', 'y'));
  assert.equal(applySuggestions(long, findings), 'y '.repeat(100_000));
});
