import assert from 'node:assert/strict';
import { test } from 'node:test';
import { developmentDiagnosisSentences, heldOutDiagnosisSentences } from './diagnosis-sentences.ts';
import { measureDiagnosisLinter, measureDiagnosisLinterSplits, measureOrderGuardSplits } from './measure.ts';
import { developmentOrderSentences, heldOutOrderSentences } from './order-sentences.ts';

test('the development and held-out parts are measured apart and labelled as tuned on', () => {
  const diagnosis = measureDiagnosisLinterSplits();
  assert.equal(diagnosis.development.sentences, developmentDiagnosisSentences.length);
  assert.equal(diagnosis.heldOut.sentences, heldOutDiagnosisSentences.length);
  assert.equal(diagnosis.heldOutStatus, 'held-out (tuned on since)');
  assert.equal(diagnosis.development.sentences + diagnosis.heldOut.sentences, measureDiagnosisLinter().sentences);
  const orders = measureOrderGuardSplits();
  assert.equal(orders.development.sentences, developmentOrderSentences.length);
  assert.equal(orders.heldOut.sentences, heldOutOrderSentences.length);
});
