/**
 * Model output is cleaned before anything reads it: thinking text (MedGemma
 * 27B's <unused94>thought … <unused95> block, <think> tags of other models),
 * chat-template tokens and a hallucinated next turn are removed, and a JSON
 * answer wrapped in a Markdown fence is unwrapped. generateWithSchema then
 * holds a model to a workflow's schema with a bounded number of repair turns.
 *
 * `removed` excerpts are model text, which can hold patient data: show them to
 * a reviewer if useful, never log them.
 */
import { NorthstationError, isNorthstationError } from '../core/errors.ts';
import type { ChatMessage, ChatModel, FinishReason, GenerateOptions, JsonSchema } from '../engine/chat-model.ts';
import { parseJsonOutput } from '../engine/json-output.ts';

export type RemovedKind = 'thinking' | 'template-token' | 'after-end-of-turn' | 'code-fence';

export interface RemovedText {
  kind: RemovedKind;
  /** The start of what was removed (at most 80 characters). */
  excerpt: string;
}

export interface CleanedOutput {
  text: string;
  removed: RemovedText[];
}

// Thinking delimiters: MedGemma/Gemma 3 thinking mode writes "<unused94>thought\n…<unused95>" (Google-Health/medgemma;
// seen leaking through ollama's gemma3 template), reasoning models write <think>…</think>.
const thinkingOpen = /<unused94>|<(think|thinking|thought|reasoning)>/i;
const thinkingClose: Readonly<Record<string, RegExp>> = {
  unused94: /<unused95>/i,
  think: /<\/think>/i,
  thinking: /<\/thinking>/i,
  thought: /<\/thought>/i,
  reasoning: /<\/reasoning>/i,
};
/** A close with no open: the chat template opened the thinking block in the prompt itself. */
const orphanClose = /<unused95>|<\/(?:think|thinking|thought|reasoning)>/i;
/** MedGemma's block when the template already wrote <unused94>: output starts with the word "thought" on its own line. */
const bareThoughtStart = /^\s*thought\s*\n/;

const leadingTurnHeader = /^\s*(?:<bos>|<start_of_turn>(?:model|assistant)?\n?|<\|im_start\|>(?:assistant)?\n?|<\|start_header_id\|>assistant<\|end_header_id\|>\n*)/i;
const endOfTurn = /<end_of_turn>|<eos>|<\|im_end\|>|<\|eot_id\|>|<\|endoftext\|>|<\|end\|>|<\/s>/i;
const strayToken =
  /<start_of_turn>(?:user|model|system)?\n?|<(?:bos|pad|unk|mask|start_of_image|end_of_image|image_soft_token)>|<unused\d{1,3}>|<\/?(?:think|thinking|thought|reasoning)>|<\|[a-z_]{2,40}\|>(?:assistant|user|system)?\n?|<s>|\[\/?INST\]|<<\/?SYS>>/gi;
const wholeFence = /^```[A-Za-z0-9_-]*[ \t]*\n([\s\S]*?)\n?[ \t]*```$/;
const openFence = /^```(?:json|JSON)?[ \t]*\n(?=\s*[[{])/;

export function cleanModelOutput(raw: string): CleanedOutput {
  const removed: RemovedText[] = [];
  const note = (kind: RemovedKind, text: string): void => {
    if (text.trim() !== '') removed.push({ kind, excerpt: text.length > 80 ? `${text.slice(0, 79)}…` : text });
  };
  let text = raw;

  for (let header = leadingTurnHeader.exec(text); header; header = leadingTurnHeader.exec(text)) {
    note('template-token', header[0]);
    text = text.slice(header[0].length);
  }
  text = stripThinking(text, note);

  const end = endOfTurn.exec(text);
  if (end) {
    note('template-token', end[0]);
    note('after-end-of-turn', text.slice(end.index + end[0].length));
    text = text.slice(0, end.index);
  }
  text = text.replace(strayToken, (token) => {
    note('template-token', token);
    return '';
  });

  text = text.trim();
  const fenced = wholeFence.exec(text);
  if (fenced) {
    note('code-fence', '```');
    text = (fenced[1] ?? '').trim();
  } else if (openFence.test(text)) {
    note('code-fence', '```');
    text = text.replace(openFence, '').replace(/\n?```\s*$/, '').trim();
  }
  return { text, removed };
}

function stripThinking(input: string, note: (kind: RemovedKind, text: string) => void): string {
  let text = input;
  const orphan = orphanClose.exec(text);
  const firstOpen = thinkingOpen.exec(text);
  if (orphan && (!firstOpen || orphan.index < firstOpen.index)) {
    note('thinking', text.slice(0, orphan.index + orphan[0].length));
    text = text.slice(orphan.index + orphan[0].length);
  } else if (!firstOpen && bareThoughtStart.test(text)) {
    // Cut off before <unused95>: everything is thinking; an empty answer is safer than leaked reasoning.
    note('thinking', text);
    return '';
  }
  for (let open = thinkingOpen.exec(text); open; open = thinkingOpen.exec(text)) {
    const close = thinkingClose[(open[1] ?? 'unused94').toLowerCase()] ?? orphanClose;
    const rest = text.slice(open.index + open[0].length);
    const closing = close.exec(rest);
    // Unterminated (the token limit cut it): everything after the open is thinking.
    const cut = closing ? open.index + open[0].length + closing.index + closing[0].length : text.length;
    note('thinking', text.slice(open.index, cut));
    text = text.slice(0, open.index) + text.slice(cut);
  }
  return text;
}

export interface GenerateWithSchemaOptions extends Omit<GenerateOptions, 'jsonSchema'> {
  /** The schema the answer must match; passed to the backend (grammar or response_format) and checked here. */
  schema: JsonSchema;
  /** Repair turns after an invalid answer, so at most maxRepairs + 1 calls. Default: 2. */
  maxRepairs?: number;
}

export interface SchemaOutput {
  /** The parsed answer, valid against the schema. */
  value: unknown;
  /** The cleaned text it was parsed from. */
  text: string;
  /** Model calls made (1 when the first answer was valid). */
  attempts: number;
  /** What cleaning removed from the accepted answer. */
  removed: RemovedText[];
}

export const defaultMaxRepairs = 2;

/**
 * Asks `model` for an answer matching `schema`; on an invalid answer, re-asks at
 * most `maxRepairs` times with a turn that quotes the validation problems (never
 * the source data again). Then throws `schema_violation` with every raw attempt
 * in details (`rawText`: the last; `rawTexts`: all), as json-output.ts does.
 */
export async function generateWithSchema(
  model: ChatModel,
  messages: readonly ChatMessage[],
  options: GenerateWithSchemaOptions,
): Promise<SchemaOutput> {
  const { schema, maxRepairs = defaultMaxRepairs, ...generateOptions } = options;
  if (!Number.isInteger(maxRepairs) || maxRepairs < 0) throw new NorthstationError('bad_request', `maxRepairs must be an integer ≥ 0, got ${maxRepairs}`);
  const conversation: ChatMessage[] = [...messages];
  const rawTexts: string[] = [];
  const problems: string[][] = [];
  for (let attempt = 1; attempt <= maxRepairs + 1; attempt++) {
    const raw = await generateRaw(model, conversation, { ...generateOptions, jsonSchema: schema });
    rawTexts.push(raw.text);
    const cleaned = cleanModelOutput(raw.text);
    try {
      return { value: parseJsonOutput(cleaned.text, schema), text: cleaned.text, attempts: attempt, removed: cleaned.removed };
    } catch (error) {
      if (!isNorthstationError(error, 'schema_violation')) throw error;
      const found = problemsOf(error, raw.finishReason);
      problems.push(found);
      if (cleaned.text !== '') conversation.push({ role: 'assistant', content: cleaned.text });
      conversation.push({ role: 'user', content: repairRequest(found, schema) });
    }
  }
  const last = problems.at(-1) ?? [];
  throw new NorthstationError('schema_violation', `model output did not match the schema after ${rawTexts.length} attempts: ${last.join('; ')}`, {
    attempts: rawTexts.length,
    rawText: rawTexts.at(-1) ?? '',
    rawTexts,
    problems,
  });
}

/** Backends validate schema output themselves and throw with the raw text; here that text is what we clean and judge. */
async function generateRaw(model: ChatModel, messages: readonly ChatMessage[], options: GenerateOptions): Promise<{ text: string; finishReason: FinishReason }> {
  try {
    const result = await model.generate(messages, options);
    return { text: result.text, finishReason: result.finishReason };
  } catch (error) {
    if (isNorthstationError(error, 'schema_violation') && typeof error.details.rawText === 'string') {
      return { text: error.details.rawText, finishReason: 'stop' };
    }
    throw error;
  }
}

function problemsOf(error: NorthstationError, finishReason: FinishReason): string[] {
  const listed = Array.isArray(error.details.problems) ? error.details.problems.filter((p): p is string => typeof p === 'string') : [];
  const found = (listed.length > 0 ? listed : [error.message]).slice(0, 10).map((problem) => problem.slice(0, 200));
  if (finishReason === 'length') found.push('the answer was cut off by the token limit; answer more briefly');
  return found;
}

// Problems come from the validator and name paths and rules, not values, so the repair turn adds no patient data.
function repairRequest(problems: readonly string[], schema: JsonSchema): string {
  const schemaText = JSON.stringify(schema);
  return [
    `Your previous answer was not valid: ${problems.join('; ')}.`,
    'Answer again with only one JSON value that matches the required schema: no other text, no Markdown fence, no reasoning.',
    ...(schemaText.length <= 2000 ? [`Schema: ${schemaText}`] : []),
  ].join('\n');
}
