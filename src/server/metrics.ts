/**
 * A small Prometheus registry (text exposition format 0.0.4), written here so
 * the server needs no metrics dependency. Metrics carry counts and timings
 * only; label values are route patterns, methods and status codes, never
 * request content.
 */

export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

interface Metric {
  render(): string[];
}

/** Labels a counter requires: none for a plain counter, every declared one otherwise. */
type LabelArgs<Label extends string> = [Label] extends [never] ? [] : [labels: Readonly<Record<Label, string>>];

export class Counter<Label extends string = never> {
  readonly #name: string;
  readonly #labelNames: readonly Label[];
  readonly #values = new Map<string, { labels: Readonly<Record<string, string>>; value: number }>();

  constructor(name: string, labelNames: readonly Label[]) {
    this.#name = name;
    this.#labelNames = labelNames;
  }

  inc(amount: number, ...rest: LabelArgs<Label>): void {
    if (amount < 0) throw new RangeError(`counter ${this.#name} cannot decrease`);
    const given: Readonly<Record<string, string>> = rest[0] ?? {};
    // Fixed label order keeps one series per combination whatever order the caller wrote.
    const labels = Object.fromEntries(this.#labelNames.map((name) => [name, given[name] ?? '']));
    const key = JSON.stringify(Object.values(labels));
    const entry = this.#values.get(key) ?? { labels, value: 0 };
    entry.value += amount;
    this.#values.set(key, entry);
  }

  render(): string[] {
    // A plain counter reads 0 before its first increment; labelled series appear when first seen.
    if (this.#values.size === 0 && this.#labelNames.length === 0) return [sample(this.#name, {}, 0)];
    return [...this.#values.values()].map(({ labels, value }) => sample(this.#name, labels, value));
  }
}

export class Gauge {
  readonly #name: string;
  #value = 0;

  constructor(name: string) {
    this.#name = name;
  }

  set(value: number): void {
    this.#value = value;
  }

  add(amount: number): void {
    this.#value += amount;
  }

  get value(): number {
    return this.#value;
  }

  render(): string[] {
    return [sample(this.#name, {}, this.#value)];
  }
}

export class Histogram {
  readonly #name: string;
  readonly #bounds: readonly number[];
  readonly #bucketCounts: number[];
  #sum = 0;
  #count = 0;

  constructor(name: string, bounds: readonly number[]) {
    this.#name = name;
    this.#bounds = [...bounds].sort((a, b) => a - b);
    this.#bucketCounts = this.#bounds.map(() => 0);
  }

  observe(value: number): void {
    const index = this.#bounds.findIndex((bound) => value <= bound);
    if (index >= 0) this.#bucketCounts[index] = (this.#bucketCounts[index] ?? 0) + 1;
    this.#sum += value;
    this.#count += 1;
  }

  render(): string[] {
    let cumulative = 0;
    const buckets = this.#bounds.map((bound, index) => {
      cumulative += this.#bucketCounts[index] ?? 0;
      return sample(`${this.#name}_bucket`, { le: formatNumber(bound) }, cumulative);
    });
    return [
      ...buckets,
      sample(`${this.#name}_bucket`, { le: '+Inf' }, this.#count),
      sample(`${this.#name}_sum`, {}, this.#sum),
      sample(`${this.#name}_count`, {}, this.#count),
    ];
  }
}

export class MetricsRegistry {
  readonly #families: { name: string; help: string; type: string; metric: Metric }[] = [];

  counter<Label extends string = never>(name: string, help: string, labelNames: readonly Label[] = []): Counter<Label> {
    return this.#add(name, help, 'counter', new Counter(name, labelNames));
  }

  gauge(name: string, help: string): Gauge {
    return this.#add(name, help, 'gauge', new Gauge(name));
  }

  histogram(name: string, help: string, bounds: readonly number[]): Histogram {
    return this.#add(name, help, 'histogram', new Histogram(name, bounds));
  }

  /** The whole registry in Prometheus text format, ending with a newline. */
  render(): string {
    const lines = this.#families.flatMap(({ name, help, type, metric }) => [
      `# HELP ${name} ${help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}`,
      `# TYPE ${name} ${type}`,
      ...metric.render(),
    ]);
    return lines.join('\n') + '\n';
  }

  #add<M extends Metric>(name: string, help: string, type: string, metric: M): M {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name: ${name}`);
    if (this.#families.some((family) => family.name === name)) throw new Error(`metric registered twice: ${name}`);
    this.#families.push({ name, help, type, metric });
    return metric;
  }
}

function sample(name: string, labels: Readonly<Record<string, string>>, value: number): string {
  const pairs = Object.entries(labels).map(([key, raw]) => `${key}="${escapeLabelValue(raw)}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatNumber(value)}`;
}

function escapeLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** The metrics the OpenAI-compatible server keeps. */
export interface ServerMetrics {
  registry: MetricsRegistry;
  requests: Counter<'method' | 'route' | 'status'>;
  generationsInFlight: Gauge;
  promptTokens: Counter;
  completionTokens: Counter;
  generationSeconds: Histogram;
  timeToFirstTokenSeconds: Histogram;
  decodeTokensPerSecond: Gauge;
}

export function createServerMetrics(): ServerMetrics {
  const registry = new MetricsRegistry();
  return {
    registry,
    requests: registry.counter('northstation_http_requests_total', 'HTTP requests answered, by method, route pattern and status.', [
      'method',
      'route',
      'status',
    ]),
    generationsInFlight: registry.gauge('northstation_generations_in_flight', 'Chat generations running or waiting in the model queue.'),
    promptTokens: registry.counter('northstation_prompt_tokens_total', 'Prompt tokens of completed generations.'),
    completionTokens: registry.counter('northstation_completion_tokens_total', 'Generated tokens of completed generations.'),
    generationSeconds: registry.histogram(
      'northstation_generation_duration_seconds',
      'Wall time of completed generations, queue wait included.',
      [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    ),
    timeToFirstTokenSeconds: registry.histogram(
      'northstation_time_to_first_token_seconds',
      'Time to the first generated token as the model reports it, prompt evaluation included.',
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    ),
    decodeTokensPerSecond: registry.gauge('northstation_decode_tokens_per_second', 'Decode speed of the last completed generation.'),
  };
}
