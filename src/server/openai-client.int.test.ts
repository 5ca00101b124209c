/**
 * The official `openai` client against the server on 127.0.0.1. Assertions
 * check shapes and invariants, not exact text, so the same test runs against
 * any ChatModel: it runs against a scripted model and against the tiny
 * synthetic model through real llama.cpp.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { isNorthstationError } from '../core/errors.ts';
import { silentLogger } from '../core/log.ts';
import type { ChatModel } from '../engine/chat-model.ts';
import { buildOpenAiApp } from './app.ts';
import { startServer, type RunningServer } from './listen.ts';
import { ScriptedChatModel } from './test-model.ts';
import { loadTinyChatModel } from '../engine/llama/test-tiny-llama.ts';

const longPrompt = 'Count from one to one thousand.';

function createScriptedModel(): Promise<ChatModel> {
  const scripted = new ScriptedChatModel({
    replies: (messages, options) => {
      if (options.jsonSchema) return { deltas: ['{"ok":', ' true}'] };
      // The long answer never ends on its own, so the abort test really aborts a running generation.
      if (messages.at(-1)?.content === longPrompt) return { deltas: ['One,', ' two,'], waitForAbort: true };
      return { deltas: ['Hello', ' there.'], delayMs: 1 };
    },
  });
  return Promise.resolve(scripted);
}

const answerSchema = {
  type: 'object',
  properties: { ok: { type: 'boolean' } },
  required: ['ok'],
  additionalProperties: false,
} as const;
const jsonFormat = { type: 'json_schema', json_schema: { name: 'answer', schema: answerSchema, strict: true } } as const;
const messages = [{ role: 'user', content: 'Say hello.' }] as const;

/** Wraps a model so a test can see how each generation ended: "completed", or the error code. */
function observeOutcomes(inner: ChatModel): ChatModel & { outcomes: Promise<string>[] } {
  const outcomes: Promise<string>[] = [];
  return {
    info: inner.info,
    capabilities: inner.capabilities,
    outcomes,
    generate: (messages, options) => {
      const result = inner.generate(messages, options);
      outcomes.push(result.then(() => 'completed', (error: unknown) => (isNorthstationError(error) ? error.code : String(error))));
      return result;
    },
    dispose: () => inner.dispose(),
  };
}

function openAiClientSuite(name: string, createModelUnderTest: () => Promise<ChatModel>): void {
  describe(name, () => {
    let model: ReturnType<typeof observeOutcomes>;
    let server: RunningServer;
    let client: OpenAI;
    let modelId: string;

    before(async () => {
      model = observeOutcomes(await createModelUnderTest());
      server = await startServer({ app: buildOpenAiApp({ model, logger: silentLogger }), port: 0, logger: silentLogger, shutdownSignals: [] });
      client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-checked', maxRetries: 0, timeout: 60_000 });
      const models = await client.models.list();
      assert.equal(models.data.length, 1);
      modelId = models.data[0]!.id;
    });

    after(async () => {
      await server.close();
    });

    const isFinish = (reason: unknown): boolean => reason === 'stop' || reason === 'length';

    test('non-streaming completion', async () => {
      const completion = await client.chat.completions.create({ model: modelId, messages: [...messages], max_completion_tokens: 16 });
      const choice = completion.choices[0]!;
      assert.equal(typeof choice.message.content, 'string');
      assert.ok(isFinish(choice.finish_reason));
      const usage = completion.usage!;
      assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0);
      assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    });

    test('streaming completion with usage', async () => {
      const stream = await client.chat.completions.create({
        model: modelId,
        messages: [...messages],
        max_completion_tokens: 16,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      const finishes: unknown[] = [];
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
        usage = chunk.usage ?? usage;
      }
      assert.ok(text.length > 0);
      assert.equal(finishes.length, 1);
      assert.ok(isFinish(finishes[0]));
      assert.ok(usage && usage.completion_tokens > 0);
    });

    test('non-streaming completion held to a JSON schema', async () => {
      const completion = await client.chat.completions.parse({
        model: modelId,
        messages: [...messages],
        max_completion_tokens: 64,
        response_format: jsonFormat,
      });
      const parsed = completion.choices[0]?.message.parsed as { ok?: unknown } | null | undefined;
      assert.equal(typeof parsed?.ok, 'boolean');
    });

    test('streaming completion held to a JSON schema', async () => {
      const stream = await client.chat.completions.create({
        model: modelId,
        messages: [...messages],
        max_completion_tokens: 64,
        stream: true,
        response_format: jsonFormat,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      const parsed = JSON.parse(text) as { ok?: unknown };
      assert.equal(typeof parsed.ok, 'boolean');
    });

    test('errors reach the client as typed OpenAI errors', async () => {
      await assert.rejects(client.chat.completions.create({ model: modelId, messages: [] }), (error) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal(error.code, 'bad_request');
        assert.equal(error.param, 'messages');
        return true;
      });
      await assert.rejects(client.chat.completions.create({ model: 'not-this-model', messages: [...messages] }), OpenAI.NotFoundError);
    });

    test('a client that aborts a stream frees the server for the next request', { timeout: 30_000 }, async () => {
      const stream = await client.chat.completions.create({
        model: modelId,
        messages: [{ role: 'user', content: longPrompt }],
        max_completion_tokens: 900,
        stream: true,
      });
      for await (const chunk of stream) {
        assert.ok(chunk.choices.length > 0);
        stream.controller.abort();
      }
      // The disconnect must abort the generation itself, not let it run on to its 900 tokens.
      assert.equal(await model.outcomes.at(-1), 'aborted');
      const completion = await client.chat.completions.create({ model: modelId, messages: [...messages], max_completion_tokens: 8 });
      assert.ok(isFinish(completion.choices[0]?.finish_reason));
    });
  });
}

openAiClientSuite('scripted model', createScriptedModel);
// One sequence: a generation the disconnect failed to stop would hold the only slot.
openAiClientSuite('tiny synthetic model on llama.cpp', () => loadTinyChatModel({ sequences: 1 }));
