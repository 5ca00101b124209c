import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServerMetrics, MetricsRegistry } from './metrics.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Family {
  help: string;
  type: string;
  samples: Sample[];
}

/** A strict reader of the text exposition format: any line it does not understand fails the test. */
function parseExposition(text: string): Map<string, Family> {
  assert.ok(text.endsWith('\n'), 'exposition must end with a newline');
  const families = new Map<string, Family>();
  let current: Family | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][\w:]*) (.*)$/.exec(line);
    if (help) {
      current = { help: help[2]!, type: '', samples: [] };
      families.set(help[1]!, current);
      continue;
    }
    const type = /^# TYPE ([a-zA-Z_:][\w:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      assert.ok(families.get(type[1]!) === current, `TYPE for ${type[1]} must follow its HELP`);
      current!.type = type[2]!;
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(sample && current, `unparseable line: ${line}`);
    const labels: Record<string, string> = {};
    const labelText = sample[2] ?? '';
    const labelPattern = /(\w+)="((?:[^"\\]|\\.)*)"(,|$)/y;
    while (labelPattern.lastIndex < labelText.length) {
      const label = labelPattern.exec(labelText);
      assert.ok(label, `bad labels: ${labelText}`);
      labels[label[1]!] = label[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = sample[3] === '+Inf' ? Infinity : Number(sample[3]);
    assert.ok(!Number.isNaN(value), `bad value: ${line}`);
    current.samples.push({ name: sample[1]!, labels, value });
  }
  return families;
}

test('counters, gauges and histograms render in the exposition format', () => {
  const registry = new MetricsRegistry();
  const requests = registry.counter('app_requests_total', 'Requests.', ['route', 'status']);
  const plain = registry.counter('app_plain_total', 'Plain counter.');
  const gauge = registry.gauge('app_in_flight', 'In flight.');
  const histogram = registry.histogram('app_latency_seconds', 'Latency.', [1, 0.1, 10]);

  requests.inc(1, { status: '200', route: '/v1/models' });
  requests.inc(2, { route: '/v1/models', status: '200' });
  requests.inc(1, { route: 'with "quotes" \\ and\nnewline', status: '500' });
  gauge.add(2);
  gauge.add(-1);
  for (const value of [0.05, 0.5, 0.5, 20]) histogram.observe(value);

  const families = parseExposition(registry.render());

  assert.deepEqual(families.get('app_requests_total')?.samples, [
    { name: 'app_requests_total', labels: { route: '/v1/models', status: '200' }, value: 3 },
    { name: 'app_requests_total', labels: { route: 'with "quotes" \\ and\nnewline', status: '500' }, value: 1 },
  ]);
  assert.equal(families.get('app_plain_total')?.type, 'counter');
  assert.deepEqual(families.get('app_plain_total')?.samples.map((s) => s.value), [0]);
  plain.inc(4);
  assert.deepEqual(parseExposition(registry.render()).get('app_plain_total')?.samples.map((s) => s.value), [4]);
  assert.deepEqual(families.get('app_in_flight')?.samples.map((s) => s.value), [1]);

  const latency = families.get('app_latency_seconds')!;
  assert.equal(latency.type, 'histogram');
  const buckets = latency.samples.filter((s) => s.name === 'app_latency_seconds_bucket');
  assert.deepEqual(
    buckets.map((s) => [s.labels.le, s.value]),
    [['0.1', 1], ['1', 3], ['10', 3], ['+Inf', 4]],
  );
  assert.equal(latency.samples.find((s) => s.name === 'app_latency_seconds_count')?.value, 4);
  assert.equal(latency.samples.find((s) => s.name === 'app_latency_seconds_sum')?.value, 21.05);
});

test('the server metrics all render and parse', () => {
  const metrics = createServerMetrics();
  metrics.requests.inc(1, { method: 'GET', route: '/health', status: '200' });
  metrics.timeToFirstTokenSeconds.observe(0.2);
  const families = parseExposition(metrics.registry.render());
  assert.deepEqual([...families.keys()], [
    'northstation_http_requests_total',
    'northstation_generations_in_flight',
    'northstation_prompt_tokens_total',
    'northstation_completion_tokens_total',
    'northstation_generation_duration_seconds',
    'northstation_time_to_first_token_seconds',
    'northstation_decode_tokens_per_second',
  ]);
  for (const [name, family] of families) assert.ok(family.help.length > 0 && family.type.length > 0, name);
});

test('bad metric names, duplicates and decreasing counters are refused', () => {
  const registry = new MetricsRegistry();
  assert.throws(() => registry.gauge('has-dash', 'x'));
  registry.gauge('once', 'x');
  assert.throws(() => registry.gauge('once', 'x'));
  assert.throws(() => registry.counter('down_total', 'x').inc(-1), RangeError);
});
