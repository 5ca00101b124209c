import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRequestBody, forGrammar, maxUpstreamStringLength } from './wire.ts';

const schema = {
  type: 'object',
  properties: {
    findings: { type: 'string', minLength: 1, maxLength: 2000 },
    impression: { type: 'string', maxLength: 600 },
    items: { type: 'array', maxItems: 5, items: { type: 'string', maxLength: 200 } },
  },
  required: ['findings'],
  additionalProperties: false,
};

test('long string limits are left out of the schema sent upstream; everything else is kept', () => {
  const sent = forGrammar(schema) as typeof schema;
  assert.deepEqual(sent.properties.findings, { type: 'string', minLength: 1 }, 'a 2,000-character limit would be refused by llama.cpp');
  assert.deepEqual(sent.properties.impression, { type: 'string' });
  assert.deepEqual(sent.properties.items, schema.properties.items, 'short limits and maxItems stay');
  assert.deepEqual(sent.required, ['findings']);
  assert.equal(sent.additionalProperties, false);
  assert.equal(schema.properties.findings.maxLength, 2000, 'the caller’s schema is not changed (it still validates the reply)');
  assert.equal(maxUpstreamStringLength, 500);
});

test('the request body carries the relaxed schema', () => {
  const body = buildRequestBody([{ role: 'user', content: 'x' }], { maxTokens: 10, temperature: 0, jsonSchema: schema }, { model: 'm', stream: false, streamUsage: false, sendJsonSchema: true });
  const format = body.response_format as { json_schema: { schema: typeof schema } };
  assert.equal(format.json_schema.schema.properties.findings.maxLength, undefined);
  assert.equal(format.json_schema.schema.properties.items.items.maxLength, 200);
});
