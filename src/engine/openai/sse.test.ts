import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNorthstationError } from '../../core/errors.ts';
import { SseParser, type SseEvent } from './sse.ts';

function parseInPieces(text: string, size: number): SseEvent[] {
  const parser = new SseParser('upstream.test');
  const bytes = Buffer.from(text, 'utf8');
  const events: SseEvent[] = [];
  for (let start = 0; start < bytes.length; start += size) events.push(...parser.push(bytes.subarray(start, start + size)));
  events.push(...parser.end());
  return events;
}

const stream = 'data: {"a":"héllo ✓"}\n\n: keep-alive\n\ndata: {"b":1}\r\n\r\nevent: error\ndata: {"c":2}\n\ndata:[DONE]\n\n';
const expected: SseEvent[] = [
  { event: 'message', data: '{"a":"héllo ✓"}' },
  { event: 'message', data: '{"b":1}' },
  { event: 'error', data: '{"c":2}' },
  { event: 'message', data: '[DONE]' },
];

test('events survive being cut at every byte boundary, multi-byte characters included', () => {
  for (let size = 1; size <= 12; size++) assert.deepEqual(parseInPieces(stream, size), expected, `pieces of ${size} bytes`);
});

test('CR-only line ends and a CRLF split across pushes', () => {
  assert.deepEqual(parseInPieces('data: x\r\rdata: y\r\n\r\n', 1), [
    { event: 'message', data: 'x' },
    { event: 'message', data: 'y' },
  ]);
});

test('multi-line data is joined with newlines', () => {
  assert.deepEqual(parseInPieces('data: one\ndata: two\n\n', 3), [{ event: 'message', data: 'one\ntwo' }]);
});

test('a last event without its blank line is still delivered at the end', () => {
  assert.deepEqual(parseInPieces('data: {"x":1}', 4), [{ event: 'message', data: '{"x":1}' }]);
});

test('a stream with no line breaks at all is refused', () => {
  const parser = new SseParser('upstream.test');
  assert.throws(
    () => parser.push(Buffer.alloc(5 * 1024 * 1024, 'a')),
    (error) => isNorthstationError(error, 'upstream_error') && /upstream\.test/.test(error.message),
  );
});

test('an event that never ends (data lines without a blank line) is refused before it exhausts memory', () => {
  const parser = new SseParser('upstream.test');
  const line = Buffer.from(`data: ${'x'.repeat(1024 * 1024)}\n`);
  assert.throws(
    () => {
      for (let i = 0; i < 64; i++) parser.push(line);
    },
    (error) => isNorthstationError(error, 'upstream_error') && /stream event larger than/.test(error.message),
  );
});

test('many ordinary events in a row are fine: the size limit is per event', () => {
  const parser = new SseParser('upstream.test');
  const event = Buffer.from(`data: ${'x'.repeat(1024 * 1024)}\n\n`);
  let count = 0;
  for (let i = 0; i < 32; i++) count += parser.push(event).length;
  assert.equal(count, 32);
});
