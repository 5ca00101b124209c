import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isNorthstationError, type ErrorCode } from '../../core/errors.ts';
import { parseHfSpec, pickHubFile, type HubFile } from './hf-spec.ts';

test('hf:OWNER/REPO:QUANT parses; other shapes are bad_request', () => {
  assert.deepEqual(parseHfSpec('hf:unsloth/medgemma-4b-it-GGUF:Q4_K_M'), { owner: 'unsloth', repo: 'medgemma-4b-it-GGUF', quant: 'Q4_K_M' });
  assert.deepEqual(parseHfSpec('hf:google/medgemma-4b-it'), { owner: 'google', repo: 'medgemma-4b-it' });
  for (const bad of ['unsloth/medgemma:Q4_0', 'hf:medgemma:Q4_0', 'hf:a/b/c:Q4_0', 'hf:../x:Q4_0', 'hf:a/b:']) {
    assert.throws(() => parseHfSpec(bad), (error: unknown) => isNorthstationError(error, 'bad_request'), bad);
  }
});

const files: HubFile[] = [
  { path: 'README.md' },
  { path: 'medgemma-4b-it-Q4_K_M.gguf' },
  { path: 'medgemma-4b-it-Q4_K_S.gguf' },
  { path: 'medgemma-4b-it-IQ4_XS.gguf' },
  { path: 'medgemma-4b-it-Q8_0.gguf' },
  { path: 'mmproj-medgemma-4b-it-F16.gguf' },
  { path: 'medgemma-4b-it-F16.gguf' },
  { path: 'BF16/medgemma-4b-it-BF16-00001-of-00002.gguf' },
];

// [quant, file picked (*.gguf) or the error code]
const picks: ReadonlyArray<readonly [string, string]> = [
  ['Q4_K_M', 'medgemma-4b-it-Q4_K_M.gguf'],
  ['q4_k_m', 'medgemma-4b-it-Q4_K_M.gguf'], // case-insensitive
  ['Q8_0', 'medgemma-4b-it-Q8_0.gguf'],
  ['F16', 'medgemma-4b-it-F16.gguf'], // the mmproj F16 is skipped
  ['mmproj-medgemma-4b-it-F16', 'mmproj-medgemma-4b-it-F16.gguf'], // unless asked for
  ['Q4_XS', 'not_found'], // IQ4_XS is a different quant
  ['Q4_K', 'not_found'], // a tag is a whole word: Q4_K is not Q4_K_M
  ['Q3_K_M', 'not_found'],
  ['BF16', 'unsupported'], // split files
];

for (const [quant, expected] of picks) {
  test(`quant ${quant} → ${expected}`, () => {
    const spec = { owner: 'unsloth', repo: 'medgemma-4b-it-GGUF', quant };
    if (expected.endsWith('.gguf')) {
      assert.equal(pickHubFile(files, spec).path, expected);
    } else {
      assert.throws(() => pickHubFile(files, spec), (error: unknown) => isNorthstationError(error, expected as ErrorCode));
    }
  });
}

test('several matches ask for --file; --file picks exactly', () => {
  const twins: HubFile[] = [{ path: 'a-Q4_0.gguf' }, { path: 'b-Q4_0.gguf' }];
  assert.throws(
    () => pickHubFile(twins, { owner: 'o', repo: 'r', quant: 'Q4_0' }),
    (error: unknown) => isNorthstationError(error, 'bad_request') && error.message.includes('--file'),
  );
  assert.equal(pickHubFile(twins, { owner: 'o', repo: 'r', quant: 'Q4_0' }, 'b-Q4_0.gguf').path, 'b-Q4_0.gguf');
  assert.throws(() => pickHubFile(twins, { owner: 'o', repo: 'r' }, 'c.gguf'), (error: unknown) => isNorthstationError(error, 'not_found'));
});
