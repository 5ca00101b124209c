import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkBundle } from './bundle.ts';

const fhirDirectory = join(import.meta.dirname, '../../../../shared/data/fhir');

test('a Synthea bundle from the shared data is accepted with its patient and every resource', () => {
  const file = readdirSync(fhirDirectory).find((name) => name.startsWith('synthea-Buster'));
  assert.ok(file);
  const text = readFileSync(join(fhirDirectory, file), 'utf8');
  const checked = checkBundle(text);
  assert.ok(typeof checked !== 'string', typeof checked === 'string' ? checked : '');
  assert.match(checked.patientName, /Buster/);
  assert.equal(checked.resourceCount, (JSON.parse(text) as { entry: unknown[] }).entry.length);
  assert.match(checked.birthDate ?? '', /^\d{4}-\d{2}-\d{2}$/);
});

test('wrong files are refused with the reason', () => {
  assert.equal(checkBundle('{'), 'not JSON');
  assert.equal(checkBundle('{"resourceType":"Patient","id":"p"}'), 'not a FHIR Bundle');
  assert.equal(checkBundle('{"resourceType":"Bundle","entry":[]}'), 'the bundle has no entries');
  assert.match(checkBundle('{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","id":"o"}}]}') as string, /exactly one Patient \(it holds 0\)/);
  assert.match(checkBundle('{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient"}}]}') as string, /resourceType and an id/);
});
