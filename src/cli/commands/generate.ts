/**
 * `northstation generate --model FILE --prompt TEXT [--json-schema FILE]`:
 * one completion, printed to stdout as it is generated (or, with a schema, the
 * parsed JSON once it validates). Timings go to stderr so stdout stays clean.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { NorthstationError } from '../../core/errors.ts';
import { createRedactingLogger } from '../../safety/safe-logger.ts';
import type { ChatMessage, JsonSchema } from '../../engine/chat-model.ts';
import { assertValidSchema } from '../../engine/json-output.ts';
import { modelArgOptions, modelArgsHelp, openModelFromArgs, optionalInteger, syntheticBanner, usageError } from '../model-args.ts';
import { readStdin } from '../stdin.ts';

const help = `usage: northstation generate (--model FILE | --synthetic | --upstream URL …) --prompt TEXT [options]

  --prompt TEXT        the user message (required; "-" reads it from stdin)
  --system TEXT        a system message
  --json-schema FILE   constrain the output to this JSON schema and print the parsed JSON
  --max-tokens N       most tokens to generate (default 512)
  --temperature T      0 is greedy (default 0)
  --seed N             sampling seed

${modelArgsHelp}`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...modelArgOptions,
      prompt: { type: 'string' },
      system: { type: 'string' },
      'json-schema': { type: 'string' },
      'max-tokens': { type: 'string' },
      temperature: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(help + '\n');
    return 0;
  }
  if (values.prompt === undefined) throw usageError('--prompt TEXT is required (or --prompt - to read stdin)');
  const prompt = values.prompt === '-' ? await readStdin() : values.prompt;
  const jsonSchema = values['json-schema'] === undefined ? undefined : await readSchema(values['json-schema']);
  const temperature = values.temperature === undefined ? undefined : Number(values.temperature);
  if (temperature !== undefined && !(temperature >= 0 && temperature <= 2)) throw usageError('--temperature must be between 0 and 2');

  const messages: ChatMessage[] = [];
  if (values.system !== undefined) messages.push({ role: 'system', content: values.system });
  messages.push({ role: 'user', content: prompt });

  const logger = createRedactingLogger({ level: 'warn' });
  const model = await openModelFromArgs(values, logger);
  try {
    const banner = syntheticBanner(model);
    if (banner) process.stderr.write(banner + '\n');
    const controller = new AbortController();
    process.once('SIGINT', () => { controller.abort(); });
    const result = await model.generate(messages, {
      maxTokens: optionalInteger('--max-tokens', values['max-tokens']),
      temperature,
      seed: optionalInteger('--seed', values.seed),
      jsonSchema,
      signal: controller.signal,
      onTextDelta: jsonSchema ? undefined : (delta) => process.stdout.write(delta),
    });
    process.stdout.write(jsonSchema ? JSON.stringify(result.parsed, null, 2) + '\n' : '\n');
    const { usage, timings } = result;
    process.stderr.write(
      `[${result.finishReason}] prompt ${usage.promptTokens} tokens, completion ${usage.completionTokens} tokens, ` +
        `first token ${timings.timeToFirstTokenMs.toFixed(0)} ms, decode ${timings.decodeTokensPerSecond.toFixed(1)} tok/s\n`,
    );
    return 0;
  } finally {
    await model.dispose();
  }
}

async function readSchema(path: string): Promise<JsonSchema> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new NorthstationError('not_found', `cannot read the JSON schema file ${path}`);
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch {
    throw usageError(`${path} is not valid JSON`);
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw usageError(`${path} must hold a JSON schema object`);
  assertValidSchema(schema as JsonSchema);
  return schema as JsonSchema;
}
