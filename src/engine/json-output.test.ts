import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNorthstationError } from '../core/errors.ts';
import { compiledSchemaCount, maxCachedSchemas, parseJsonOutput } from './json-output.ts';

const schema = {
  type: 'object',
  properties: { level: { type: 'integer', minimum: 1, maximum: 5 } },
  required: ['level'],
  additionalProperties: false,
};

test('valid output is parsed', () => {
  assert.deepEqual(parseJsonOutput('{"level": 2}', schema), { level: 2 });
});

test('non-JSON output fails with the raw text kept', () => {
  assert.throws(
    () => parseJsonOutput('level two', schema),
    (error) => isNorthstationError(error, 'schema_violation') && error.details.rawText === 'level two',
  );
});

test('JSON that breaks the schema names the problem', () => {
  assert.throws(
    () => parseJsonOutput('{"level": 9}', schema),
    (error) => isNorthstationError(error, 'schema_violation') && /must be <= 5/.test(error.message),
  );
});

test('an invalid schema is a bad request, not a crash', () => {
  assert.throws(
    () => parseJsonOutput('{}', { type: 'no-such-type' }),
    (error) => isNorthstationError(error, 'bad_request'),
  );
});

test('schemas arriving as fresh objects (one per HTTP request) are cached by text, and the cache is bounded', () => {
  for (let i = 0; i < 5; i++) parseJsonOutput('{"level": 3}', JSON.parse(JSON.stringify(schema)) as typeof schema);
  const afterRepeats = compiledSchemaCount();
  for (let i = 0; i < 100; i++) parseJsonOutput('{"level": 3}', { ...schema, title: `distinct ${i}` });
  assert.ok(afterRepeats <= 3, `the same schema text compiled ${afterRepeats} times`);
  assert.equal(compiledSchemaCount(), maxCachedSchemas);
});
