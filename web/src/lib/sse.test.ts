import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventStreamParser } from './sse.ts';

test('events split across chunks come out whole, in order', () => {
  const parser = new EventStreamParser();
  assert.deepEqual(parser.push('event: prefill-progress\ndata: {"done":1'), []);
  assert.deepEqual(parser.push(',"total":4}\n\nevent: text-delta\r\ndata: {"delta":"a"}\r\n\r\n'), [
    { event: 'prefill-progress', data: '{"done":1,"total":4}' },
    { event: 'text-delta', data: '{"delta":"a"}' },
  ]);
});

test('comments and blocks without data are skipped; multi-line data is joined', () => {
  const parser = new EventStreamParser();
  assert.deepEqual(parser.push(': keep-alive\n\nevent: x\n\ndata: one\ndata: two\n\n'), [{ event: 'message', data: 'one\ntwo' }]);
});
