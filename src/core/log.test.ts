import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from './log.ts';

test('a redact hook sees the event and every string field, children included; numbers and the timestamp pass untouched', () => {
  const lines: string[] = [];
  const seen: string[] = [];
  const redact = (value: string): string => {
    seen.push(value);
    return value.replaceAll('secret', '[X]');
  };
  const logger = createLogger({ write: (line) => lines.push(line), base: { site: 'secret site' }, redact });
  logger.info('secret event', { note: 'a secret', count: 7, flag: false, nothing: null });
  logger.child({ who: 'secret person' }).warn('child', { more: 'secret' });

  const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual({ ...first, time: 'T' }, { time: 'T', level: 'info', event: '[X] event', site: '[X] site', note: 'a [X]', count: 7, flag: false, nothing: null });
  assert.deepEqual({ ...second, time: 'T' }, { time: 'T', level: 'warn', event: 'child', site: '[X] site', who: '[X] person', more: '[X]' });
  assert.ok(!seen.some((value) => /^\d{4}-\d{2}-\d{2}T/.test(value)), 'the timestamp is not passed to the hook');
});

test('without a hook, lines are written as given', () => {
  const lines: string[] = [];
  createLogger({ write: (line) => lines.push(line) }).info('event', { note: 'text' });
  assert.equal((JSON.parse(lines[0] ?? '{}') as { note?: string }).note, 'text');
});
