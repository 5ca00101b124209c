import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SHOCK_INDEX_ABNORMAL_AT, formatShockIndex, isShockIndexAbnormal, shockIndex } from './shock-index.ts';
import type { Vitals } from './vitals.ts';

const vitals = (fields: Partial<Vitals>): Vitals => ({ spo2Scale: 1, ...fields });

describe('shockIndex (REFERENCE.md §2)', () => {
  test('HR ÷ SBP rounded to 2 decimals', () => {
    assert.equal(shockIndex(vitals({ heartRate: 70, systolicBP: 120 })), 0.58);
    assert.equal(shockIndex(vitals({ heartRate: 100, systolicBP: 30 })), 3.33);
    assert.equal(shockIndex(vitals({ heartRate: 110, systolicBP: 110 })), 1);
  });
  test('null when either value is missing', () => {
    assert.equal(shockIndex(vitals({ heartRate: 70 })), null);
    assert.equal(shockIndex(vitals({ systolicBP: 120 })), null);
    assert.equal(shockIndex(vitals({})), null);
  });
  test('SBP 0 with a heart rate is profound shock: Infinity, abnormal, no crash', () => {
    const index = shockIndex(vitals({ heartRate: 120, systolicBP: 0 }));
    assert.equal(index, Number.POSITIVE_INFINITY);
    assert.equal(isShockIndexAbnormal(index), true);
    assert.equal(formatShockIndex(index), 'unmeasurable (systolic BP 0)');
  });
  test('SBP 0 and HR 0 (arrest) is still unbounded, not NaN', () => {
    assert.equal(shockIndex(vitals({ heartRate: 0, systolicBP: 0 })), Number.POSITIVE_INFINITY);
  });
  test('abnormal at ≥ 1.0 on the rounded value: 0.99 / 1.00', () => {
    assert.equal(SHOCK_INDEX_ABNORMAL_AT, 1);
    assert.equal(isShockIndexAbnormal(shockIndex(vitals({ heartRate: 99, systolicBP: 100 }))), false);
    assert.equal(isShockIndexAbnormal(shockIndex(vitals({ heartRate: 100, systolicBP: 100 }))), true);
    assert.equal(isShockIndexAbnormal(null), null);
  });
  test('formatShockIndex', () => {
    assert.equal(formatShockIndex(0.9), '0.90');
    assert.equal(formatShockIndex(null), 'not available');
  });
});
