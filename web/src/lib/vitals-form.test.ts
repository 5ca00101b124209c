import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreInput } from '../../../src/clinical/index.ts';
import { checkVitals, emptyVitalsForm } from './vitals-form.ts';

test('the live scores are the server rules on the accepted fields', () => {
  const form = { ...emptyVitalsForm, age: '67', respiratoryRate: '26', spo2: '89', systolicBP: '88', diastolicBP: '50', heartRate: '128', temperature: '38.9', consciousness: 'A' as const };
  const check = checkVitals(form);
  assert.deepEqual(check.errors, {});
  assert.deepEqual(check.report, scoreInput({ age: 67, respiratoryRate: 26, spo2: 89, spo2Scale: 1, systolicBP: 88, diastolicBP: 50, heartRate: 128, temperature: 38.9, temperatureUnit: 'C', consciousness: 'A' }));
  assert.ok(check.report.news2.total >= 7);
  assert.equal(check.report.ctas.floor, 1);
});

test('an impossible value is refused at its field and left out of the scores', () => {
  const check = checkVitals({ ...emptyVitalsForm, heartRate: '700', spo2: '97' });
  assert.match(check.errors.heartRate ?? '', /\d/);
  assert.equal(check.errors.spo2, undefined);
  assert.equal(check.vitals.heartRate, undefined);
  assert.equal(check.vitals.spo2, 97);
  assert.notEqual(check.report, null);
});

test('text that is not a number is refused, not read as zero', () => {
  const check = checkVitals({ ...emptyVitalsForm, respiratoryRate: '2O' });
  assert.equal(check.errors.respiratoryRate, 'number');
  assert.equal(check.report, null);
});

test('a diastolic pressure above the systolic is refused at one of the two, the other still scores', () => {
  const check = checkVitals({ ...emptyVitalsForm, systolicBP: '90', diastolicBP: '120' });
  const refused = [check.errors.systolicBP, check.errors.diastolicBP].filter((message) => message !== undefined);
  assert.equal(refused.length, 1);
  assert.notEqual(check.report, null);
});

test('a French decimal comma is accepted; nothing entered scores nothing', () => {
  assert.equal(checkVitals({ ...emptyVitalsForm, temperature: '38,5' }).vitals.temperature, 38.5);
  assert.equal(checkVitals(emptyVitalsForm).report, null);
});
