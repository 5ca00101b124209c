/**
 * bench/safety: how well each guard works and what it costs.
 *
 *   ./northstation bench safety [--engine-shape medgemma-4b|tiny] [--notes 50]
 *
 * Precision and recall per guard on the labelled sets (src/safety/testdata/,
 * built from our own writing and from the public ACI-BENCH encounters read at
 * run time), then the time the whole safety review (every guard, grounding
 * against the transcript included) takes per 1,000-word note, against the time
 * the engine takes to generate such a note, measured in the same run on a
 * synthetic model of the chosen shape. Goal: review < 1 % of generation.
 */
import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { silentLogger } from '../../src/core/log.ts';
import { loadLlamaChatModel } from '../../src/engine/llama/llama-chat-model.ts';
import { detectPhysicalCores } from '../../src/engine/llama/physical-cores.ts';
import type { ShapeName } from '../../src/engine/synthetic/shapes.ts';
import { writeSyntheticModel } from '../../src/engine/synthetic/model-writer.ts';
import { reviewDraft } from '../../src/safety/review-draft.ts';
import { measureGrounding, readAciEncounters } from '../../src/safety/testdata/grounding-pairs.ts';
import { measureInjectionDetector } from '../../src/safety/testdata/injection-cases.ts';
import { measureDiagnosisLinter, measureDiagnosisLinterSplits, measureOrderGuard, measureOrderGuardSplits } from '../../src/safety/testdata/measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { 'engine-shape': { type: 'string', default: 'medgemma-4b' }, notes: { type: 'string', default: '50' } },
});
const engineShape = values['engine-shape'] as ShapeName;
const noteCount = Number(values.notes);

const line = (label: string, value: string): void => { process.stdout.write(`${label.padEnd(46)} ${value}\n`); };
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

// 1. Quality of each guard. Sets the rules were tuned on are in-sample and printed as such; held-out parts apart.
const figures = (m: { precision: number; recall: number; sentences: number }): string => `precision ${pct(m.precision)}, recall ${pct(m.recall)} (${m.sentences} sentences)`;
const diagnosis = measureDiagnosisLinter();
line('definitive-diagnosis linter (in-sample)', figures(diagnosis));
const diagnosisSplits = measureDiagnosisLinterSplits();
line('  development part (tuned on)', figures(diagnosisSplits.development));
line(`  ${diagnosisSplits.heldOutStatus}`, figures(diagnosisSplits.heldOut));
const orders = measureOrderGuard();
line('prescriptive-order guard (in-sample)', figures(orders));
const orderSplits = measureOrderGuardSplits();
line('  development part (tuned on)', figures(orderSplits.development));
line(`  ${orderSplits.heldOutStatus}`, figures(orderSplits.heldOut));
const injection = measureInjectionDetector();
line('injection detector (tuned-on attempts)', `precision ${pct(injection.precision)}, recall ${pct(injection.recall)} (${injection.attempts} attempts, ${injection.benign} benign texts)`);
line('injection detector (held-out, never tuned on)', `recall ${pct(injection.heldOut.recall)} (${injection.heldOut.caught}/${injection.heldOut.attempts} attempts)`);
const grounding = await measureGrounding();
line('grounding: planted errors caught (readable claims only)', `recall ${pct(grounding.recall)} (${grounding.caught}/${grounding.planted} in ${grounding.pairs} real encounters)`);
line('grounding: flags landing on planted errors', `precision ${pct(grounding.precisionOnPlanted)}; false-flag rate on unmodified claims ${pct(grounding.falseFlagRate)}`);

// 2. Cost of the whole review per 1,000-word note, on real ACI-BENCH notes and transcripts.
const encounters = (await readAciEncounters()).slice(0, noteCount);
const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;
for (const { note, dialogue } of encounters.slice(0, 5)) reviewDraft({ text: note, source: { text: dialogue } }); // warm-up
const perNote: number[] = [];
for (const { note, dialogue } of encounters) {
  const started = performance.now();
  reviewDraft({ text: note, source: { text: dialogue } });
  perNote.push(((performance.now() - started) / words(note)) * 1000);
}
perNote.sort((a, b) => a - b);
const reviewMs = perNote[Math.floor(perNote.length / 2)] ?? NaN;
line('safety review per 1,000-word note (median)', `${reviewMs.toFixed(2)} ms (${encounters.length} real notes, grounding included)`);

// 3. The engine generating that note, in the same run.
const modelPath = await ensureModel(engineShape);
const model = await loadLlamaChatModel({ modelPath, threads: await detectPhysicalCores(), contextSize: 1024, sequences: 1, gpu: false, logger: silentLogger });
const sample = await model.generate([{ role: 'user', content: 'Write the assessment and plan.' }], { maxTokens: 32 });
await model.dispose();
// English clinical prose runs at about 1.3 tokens per word with Gemma's tokenizer (an estimate: the
// synthetic model's vocabulary is not Gemma's, so it cannot count real tokens).
const generationMs = ((1000 * 1.3) / sample.timings.decodeTokensPerSecond) * 1000 + sample.timings.timeToFirstTokenMs;
line(`engine generating 1,000 words (${engineShape})`, `${(generationMs / 1000).toFixed(1)} s at ${sample.timings.decodeTokensPerSecond.toFixed(1)} tok/s`);
line('review time ÷ generation time', `${(100 * reviewMs / generationMs).toFixed(3)} %  goal < 1 %: ${reviewMs / generationMs < 0.01 ? 'met' : 'NOT MET'}`);

async function ensureModel(shape: ShapeName): Promise<string> {
  const directory = join(tmpdir(), 'northstation-bench');
  await mkdir(directory, { recursive: true });
  const path = join(directory, `${shape}-q4_0.gguf`);
  if (!(await stat(path).then(() => true, () => false))) await writeSyntheticModel({ shape, quant: 'q4_0', out: path });
  return path;
}
