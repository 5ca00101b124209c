/**
 * The model step: the whole transcript in one call when it fits, otherwise a
 * map over overlapping chunks (each with its own schema-constrained call and a
 * `prefill-progress` event "chunk i/n"); the merge happens in merge.ts.
 */
import { NorthstationError, isNorthstationError } from '../../core/errors.ts';
import type { ChatMessage } from '../../engine/chat-model.ts';
import type { Language } from '../../safety/finding.ts';
import { newBoundary, wrapSourceData } from '../../safety/injection.ts';
import type { WorkflowContext } from '../workflow.ts';
import {
  defaultCharsPerToken,
  defaultContextTokens,
  measuredCharsPerToken,
  minChunkChars,
  outputTokensFor,
  transcriptCharsPerCall,
} from './budget.ts';
import { chunkTranscript, type TextRange } from './chunking.ts';
import { soapMessages } from './prompt.ts';
import { extractionSchema, limitsFor, type Extraction } from './schema.ts';

/** Share of a chunk repeated at the start of the next. */
const overlapShare = 0.1;
/** Transcript characters sent by the calibration call. */
const calibrationSampleChars = 4000;

export interface ExtractionResult {
  parts: Extraction[];
  chunks: TextRange[];
}

const messagesChars = (messages: readonly ChatMessage[]): number =>
  messages.reduce((sum, message) => sum + (typeof message.content === 'string' ? message.content.length : 0), 0);

export async function extractSoap(transcript: string, language: Language, context: WorkflowContext): Promise<ExtractionResult> {
  const contextTokens = context.model.info.contextSize ?? defaultContextTokens;
  const outputTokens = outputTokensFor(contextTokens);
  const schema = extractionSchema(limitsFor(outputTokens));
  const boundary = newBoundary();
  const messagesFor = (range: TextRange, chunk?: { part: number; total: number }): ChatMessage[] =>
    soapMessages(wrapSourceData('transcript', transcript.slice(range.start, range.end), { boundary }), language, chunk);
  // Everything but the transcript, at its largest (chunk wording with big part numbers).
  const fixedChars = messagesChars(messagesFor({ start: 0, end: 0 }, { part: 99999, total: 99999 }));

  // Even at one character a token the whole transcript fits: one call, no measurement needed.
  const fitsAtWorst = transcriptCharsPerCall(contextTokens, fixedChars, 1) >= transcript.length;
  const charsPerToken = fitsAtWorst ? defaultCharsPerToken : await calibrate(transcript, context, messagesFor);
  const chunkChars = fitsAtWorst ? transcript.length : transcriptCharsPerCall(contextTokens, fixedChars, charsPerToken);
  // Only a transcript that must be split needs room for a useful chunk: one that fits whole is sent whole, however short.
  if (transcript.length > chunkChars && chunkChars < minChunkChars) {
    throw new NorthstationError('payload_too_large', `the model's ${contextTokens}-token context leaves no room for a useful part of the transcript; load it with a larger context`, {
      contextTokens,
      chunkChars,
    });
  }

  const chunks = transcript.length <= chunkChars ? [{ start: 0, end: transcript.length }] : chunkTranscript(transcript, chunkChars, Math.floor(chunkChars * overlapShare));
  const parts: Extraction[] = [];
  for (const [index, range] of chunks.entries()) {
    const chunk = chunks.length > 1 ? { part: index + 1, total: chunks.length } : undefined;
    context.emit({ type: 'prefill-progress', stage: `chunk ${index + 1}/${chunks.length}`, done: index, total: chunks.length });
    parts.push((await context.generate(messagesFor(range, chunk), { schema, maxTokens: outputTokens })) as Extraction);
  }
  context.emit({ type: 'prefill-progress', stage: chunks.length > 1 ? 'merge' : 'review', done: chunks.length, total: chunks.length });
  return { parts, chunks };
}

/**
 * One prompt-only call (one token generated) on the start of the transcript to
 * learn how densely this model's tokenizer packs it. A prompt too long for the
 * context is a measurement too: the engine's error says how many tokens it was.
 */
async function calibrate(
  transcript: string,
  context: WorkflowContext,
  messagesFor: (range: TextRange, chunk?: { part: number; total: number }) => ChatMessage[],
): Promise<number> {
  const messages = messagesFor({ start: 0, end: Math.min(transcript.length, calibrationSampleChars) }, { part: 1, total: 2 });
  const promptTokens = await promptTokensOf(messages, context);
  return promptTokens > 0 ? measuredCharsPerToken(messagesChars(messages), promptTokens) : defaultCharsPerToken;
}

async function promptTokensOf(messages: readonly ChatMessage[], context: WorkflowContext): Promise<number> {
  try {
    return (await context.model.generate(messages, { maxTokens: 1, signal: context.signal })).usage.promptTokens;
  } catch (error) {
    if (isNorthstationError(error, 'payload_too_large') && typeof error.details.promptTokens === 'number') return error.details.promptTokens;
    throw error;
  }
}
