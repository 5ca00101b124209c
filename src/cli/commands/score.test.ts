import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run } from './score.ts';

async function score(stdin: string, args: string[] = []): Promise<{ code: number; output: unknown }> {
  let written = '';
  const code = await run(args, { readInput: () => Promise.resolve(stdin), write: (text) => (written += text) });
  return { code, output: JSON.parse(written) as unknown };
}

test('valid vitals: exit 0 and the report', async () => {
  const { code, output } = await score('{"respiratoryRate": 25, "spo2": 97}');
  assert.equal(code, 0);
  const report = output as { news2: { total: number; parameters: Record<string, number> } };
  assert.equal(report.news2.parameters.respiratoryRate, 3);
  assert.equal(report.news2.total, 3);
});

const invalid: Array<[string, string, string]> = [
  ['impossible heart rate', '{"heartRate": 900}', 'heartRate'],
  ['impossible SpO2', '{"spo2": 140}', 'spo2'],
  ['impossible temperature', '{"temperature": 70}', 'temperature'],
  ['a typo in a field name', '{"heartrate": 80}', 'heartrate'],
  ['a number sent as a string', '{"systolicBP": "120"}', 'systolicBP'],
  ['not JSON', '{"spo2": ', '$'],
  ['an array', '[1, 2]', '$'],
];
for (const [name, stdin, field] of invalid) {
  test(`${name}: exit 2 and an error naming "${field}"`, async () => {
    const { code, output } = await score(stdin);
    assert.equal(code, 2);
    const error = (output as { error: { field: string; message: string } }).error;
    assert.equal(error.field, field);
    assert.ok(error.message.length > 0);
  });
}

test('arguments are refused: the input comes on stdin', async () => {
  const { code, output } = await score('{}', ['vitals.json']);
  assert.equal(code, 2);
  assert.equal((output as { error: { field: string } }).error.field, '$');
});
