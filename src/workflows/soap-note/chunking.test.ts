import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkTranscript, transcriptUnits } from './chunking.ts';
import { mergeExtractions } from './merge.ts';
import type { Extraction } from './schema.ts';

test('chunks cover the whole transcript in order, within the size, overlapping whole turns', () => {
  const text = Array.from({ length: 50 }, (_, index) => `[doctor] question ${index} about symptoms?\n[patient] answer ${index}.`).join('\n');
  const chunks = chunkTranscript(text, 300, 60);
  assert.ok(chunks.length > 5);
  assert.equal(chunks[0]?.start, 0);
  assert.equal(chunks.at(-1)?.end, text.length);
  for (const [index, chunk] of chunks.entries()) {
    assert.ok(chunk.end - chunk.start <= 300);
    const previous = chunks[index - 1];
    if (previous) {
      assert.ok(chunk.start > previous.start && chunk.start <= previous.end, 'moves forward with no gap');
      assert.ok(chunk.start === 0 || text[chunk.start - 1] === '\n', 'starts at a turn');
    }
  }
});

test('a turn longer than a chunk is cut at sentence ends or spaces, never lost', () => {
  const text = `[doctor] ${'the patient reports pain. '.repeat(40)}\nshort`;
  const units = transcriptUnits(text, 100);
  assert.equal(units.map((unit) => text.slice(unit.start, unit.end)).join(''), text);
  assert.ok(units.every((unit) => unit.end - unit.start <= 100));
  const noSpaces = 'x'.repeat(250);
  assert.deepEqual(transcriptUnits(noSpaces, 100).map((unit) => unit.end - unit.start), [100, 100, 50]);
});

const part = (overrides: Partial<Extraction>): Extraction => ({
  chiefComplaint: '', subjective: [], objective: [], assessment: [], plan: [], medications: [], allergies: [], ...overrides,
});

test('merge: first chief complaint, statements deduplicated (also reworded), details filled, conflicting doses kept apart', () => {
  const merged = mergeExtractions([
    part({ subjective: ['Cough for three days.', 'Fever at night.'], medications: [{ name: 'Lisinopril', dose: '', frequency: 'daily' }] }),
    part({
      chiefComplaint: 'Cough',
      subjective: ['cough for three days', 'Fever at night', 'No chest pain.'],
      medications: [{ name: 'lisinopril', dose: '10 mg', frequency: '' }, { name: 'metformin', dose: '500 mg', frequency: '' }, { name: 'metformin', dose: '1000 mg', frequency: '' }],
      allergies: [{ substance: 'Penicillin', reaction: '' }, { substance: 'penicillin', reaction: 'rash' }],
    }),
    part({ chiefComplaint: 'Fever' }),
  ]);
  assert.equal(merged.chiefComplaint, 'Cough');
  assert.deepEqual(merged.sections.subjective, ['Cough for three days.', 'Fever at night.', 'No chest pain.']);
  assert.deepEqual(merged.medications, [
    { name: 'Lisinopril', dose: '10 mg', frequency: 'daily' },
    { name: 'metformin', dose: '500 mg' },
    { name: 'metformin', dose: '1000 mg' },
  ]);
  assert.deepEqual(merged.allergies, [{ substance: 'Penicillin', reaction: 'rash' }]);
});

test('merge: statements differing in negation, number/unit or side are never merged, and nothing near-duplicate is dropped within one answer', () => {
  const negation = ['History of diabetes and hypertension and asthma.', 'No history of diabetes and hypertension and asthma.'];
  const doses = ['Start lisinopril 10 mg daily.', 'Start lisinopril 20 mg daily.'];
  const sides = ['Crackles heard at the left lung base today.', 'Crackles heard at the right lung base today.'];
  // Within one chunk's answer.
  const single = mergeExtractions([part({ subjective: negation, plan: doses, objective: sides })]);
  assert.deepEqual(single.sections.subjective, negation);
  assert.deepEqual(single.sections.plan, doses);
  assert.deepEqual(single.sections.objective, sides);
  // Across chunks, too: the overlap may only fold a restatement of the very same fact.
  const across = mergeExtractions([part({ subjective: [negation[0] ?? ''], plan: [doses[0] ?? ''], objective: [sides[0] ?? ''] }), part({ subjective: [negation[1] ?? ''], plan: [doses[1] ?? ''], objective: [sides[1] ?? ''] })]);
  assert.deepEqual(across.sections.subjective, negation);
  assert.deepEqual(across.sections.plan, doses);
  assert.deepEqual(across.sections.objective, sides);
  // A near-duplicate inside one answer stays (the model said it twice; a person decides); an exact duplicate goes.
  const reworded = ['Cough for three days with fever.', 'Cough for three days, with the fever.', 'cough for three days with fever'];
  assert.deepEqual(mergeExtractions([part({ subjective: reworded })]).sections.subjective, reworded.slice(0, 2));
  // The same near-duplicate repeated by the next chunk's overlap is folded.
  assert.deepEqual(mergeExtractions([part({ subjective: [reworded[0] ?? ''] }), part({ subjective: [reworded[1] ?? ''] })]).sections.subjective, [reworded[0]]);
});
