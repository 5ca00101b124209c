import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deteriorationFlags, type ScoresForFlags } from './deterioration.ts';
import { qsofa } from './sepsis.ts';
import { shockIndex } from './shock-index.ts';
import type { Vitals } from './vitals.ts';

const adult: Vitals = { spo2Scale: 1, ageYears: 40 };
const quiet: ScoresForFlags = { news2: { total: 0, singleParameterThree: false, complete: true }, qsofa: { score: 0 }, shockIndex: 0.6 };
const withNews2 = (news2: Partial<ScoresForFlags['news2']>): ScoresForFlags => ({ ...quiet, news2: { ...quiet.news2, ...news2 } });
const codes = (vitals: Vitals, scores: ScoresForFlags): string[] => deteriorationFlags(vitals, scores).map((flag) => flag.code);

test('nothing abnormal: no flags', () => {
  assert.deepEqual(deteriorationFlags(adult, quiet), []);
});

describe('NEWS2 thresholds (REFERENCE.md §1 Chart 4)', () => {
  const rows: [number, string[]][] = [
    [4, []],
    [5, ['news2-urgent']],
    [6, ['news2-urgent']],
    [7, ['news2-urgent', 'news2-emergency']],
  ];
  for (const [total, expected] of rows) {
    test(`total ${total} → ${expected.join(' + ') || 'none'}`, () => {
      assert.deepEqual(codes(adult, withNews2({ total })), expected);
    });
  }
  test('any single parameter scoring 3', () => {
    assert.deepEqual(codes(adult, withNews2({ total: 3, singleParameterThree: true })), ['news2-single-parameter-3']);
  });
  test('an incomplete NEWS2 says its total is partial and raises incomplete-vitals', () => {
    const flags = deteriorationFlags(adult, withNews2({ total: 5, complete: false }));
    assert.deepEqual(flags.map((flag) => flag.code), ['news2-urgent', 'incomplete-vitals']);
    assert.match(flags[0]!.message, /partial/);
  });
});

describe('qSOFA and shock index (REFERENCE.md §2)', () => {
  test('qSOFA 1 / 2', () => {
    assert.deepEqual(codes(adult, { ...quiet, qsofa: { score: 1 } }), []);
    assert.deepEqual(codes(adult, { ...quiet, qsofa: { score: 2 } }), ['qsofa-positive']);
  });
  test('shock index 0.99 / 1.00 / missing', () => {
    assert.deepEqual(codes(adult, { ...quiet, shockIndex: 0.99 }), []);
    assert.deepEqual(codes(adult, { ...quiet, shockIndex: 1 }), ['shock-index-high']);
    assert.deepEqual(codes(adult, { ...quiet, shockIndex: null }), []);
  });
  test('SBP 0 flows through shockIndex() as a high shock index, with a readable message', () => {
    const vitals: Vitals = { ...adult, heartRate: 110, systolicBP: 0, respiratoryRate: 26, gcs: 15 };
    const flags = deteriorationFlags(vitals, { ...quiet, qsofa: { score: qsofa(vitals).score }, shockIndex: shockIndex(vitals) });
    assert.deepEqual(flags.map((flag) => flag.code), ['qsofa-positive', 'shock-index-high']);
    assert.equal(flags[1]!.message, 'shock index unmeasurable (systolic BP 0) ≥ 1.0');
  });
});

describe('GCS drop from previousGcs', () => {
  const rows: [string, Partial<Vitals>, boolean][] = [
    ['15 → 15', { previousGcs: 15, gcs: 15 }, false],
    ['15 → 14', { previousGcs: 15, gcs: 14 }, true],
    ['12 → 9', { previousGcs: 12, gcs: 9 }, true],
    ['9 → 12 (improving)', { previousGcs: 9, gcs: 12 }, false],
    ['no current GCS', { previousGcs: 15 }, false],
    ['no previous GCS', { gcs: 9 }, false],
  ];
  for (const [name, change, flagged] of rows) {
    test(`${name} → ${flagged ? 'gcs-drop' : 'no flag'}`, () => {
      assert.deepEqual(codes({ ...adult, ...change }, quiet), flagged ? ['gcs-drop'] : []);
    });
  }
});

describe('paediatric flag (< 16 years)', () => {
  test('age 15 → paediatric; 16 and unknown → not', () => {
    assert.deepEqual(codes({ ...adult, ageYears: 15 }, quiet), ['paediatric']);
    assert.deepEqual(codes({ ...adult, ageYears: 16 }, quiet), []);
    assert.deepEqual(codes({ spo2Scale: 1 }, quiet), []);
  });
});
