/**
 * bench/clinical: deterministic scoring throughput on one core, for a
 * realistic mix of intake records (complete and incomplete adults, children,
 * pain and bleeding flags, GCS components, °F). Goal: > 200,000 scores/s, so the
 * rules are never the slow part of an intake screen.
 *
 * Baseline in the same run: JSON.parse of the same records' text, the work any
 * API does before scoring, so the ratio survives this machine's noise.
 *
 *   ./northstation bench clinical [--seconds 2]
 */
import { parseArgs } from 'node:util';
import { scoreInput } from '../../src/clinical/index.ts';

const { values } = parseArgs({ args: process.argv.slice(2), options: { seconds: { type: 'string', default: '2' } } });
const seconds = Number(values.seconds);

const records: Record<string, unknown>[] = [
  { age: 67, respiratoryRate: 24, spo2: 91, onOxygen: false, systolicBP: 98, diastolicBP: 60, heartRate: 118, temperature: 38.6, consciousness: 'A' },
  { age: 34, respiratoryRate: 16, spo2: 99, onOxygen: false, systolicBP: 124, diastolicBP: 78, heartRate: 72, temperature: 36.8, consciousness: 'A', pain: { score: 3, onset: 'acute', location: 'peripheral' } },
  { age: 81, respiratoryRate: 28, spo2: 86, spo2Scale: 2, onOxygen: true, systolicBP: 142, heartRate: 104, temperature: 37.9, gcsEye: 3, gcsVerbal: 4, gcsMotor: 6, previousGcs: 15 },
  { age: 5, respiratoryRate: 32, spo2: 95, heartRate: 140, temperature: 102.2, temperatureUnit: 'F' },
  { age: 45, heartRate: 88, systolicBP: 132, pain: { score: 9, onset: 'acute', location: 'central' } },
  { age: 23, respiratoryRate: 18, spo2: 98, systolicBP: 84, heartRate: 132, consciousness: 'A', highRiskMechanism: true, bleedingDisorder: 'moderate' },
  { age: 59, respiratoryRate: 20, spo2: 97, onOxygen: false, systolicBP: 160, heartRate: 64, temperature: 36.4, gcs: 9, immunocompromised: true, wbc: 2.1 },
  { spo2: 93 },
  { age: 72, respiratoryRate: 12, spo2: 96, onOxygen: false, systolicBP: 112, diastolicBP: 70, heartRate: 51, temperature: 35.4, consciousness: 'C' },
  { age: 38, respiratoryRate: 22, spo2: 94, onOxygen: true, systolicBP: 101, heartRate: 111, temperature: 39.2, consciousness: 'V', immunocompromised: false },
];
const texts = records.map((record) => JSON.stringify(record));

function rate(work: (index: number) => unknown): number {
  let sink = 0;
  let count = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) if (work((count + i) % records.length) !== undefined) sink++;
    count += 1000;
  }
  if (sink !== count) throw new Error('work returned nothing');
  return count / ((performance.now() - started) / 1000);
}

rate((i) => scoreInput(records[i])); // warm-up: let V8 optimise both paths
rate((i) => JSON.parse(texts[i]!));
const parseRate = rate((i) => JSON.parse(texts[i]!) as unknown);
const scoreRate = rate((i) => scoreInput(records[i]));
const endToEndRate = rate((i) => scoreInput(JSON.parse(texts[i]!)));

const line = (label: string, value: string): void => { process.stdout.write(`${label.padEnd(44)} ${value}\n`); };
line('baseline: JSON.parse of the record, per s', Math.round(parseRate).toLocaleString('en'));
line('validate + score (object in), per s', `${Math.round(scoreRate).toLocaleString('en')}  (${(scoreRate / parseRate).toFixed(2)}× JSON.parse)`);
line('JSON text → validate + score, per s', `${Math.round(endToEndRate).toLocaleString('en')}  goal > 200,000: ${scoreRate > 200_000 ? 'met' : 'NOT MET'}`);
