import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isNorthstationError, NorthstationError } from '../../core/errors.ts';
import type { ChatMessage } from '../chat-model.ts';
import type { LlamaChatModel } from './llama-chat-model.ts';
import { greeting, loadTinyChatModel, testThreads } from './test-tiny-llama.ts';

let model: LlamaChatModel;

before(async () => {
  model = await loadTinyChatModel();
});

after(async () => {
  await model.dispose();
});

test('reports what it is: synthetic Gemma 3, text and JSON capable, no images', () => {
  assert.equal(model.info.backend, 'llama');
  assert.equal(model.info.synthetic, true);
  assert.equal(model.info.contextSize, 1024);
  assert.equal(model.info.details.architecture, 'gemma3');
  assert.equal(model.info.details.quantisation, 'F16');
  assert.equal(model.info.details.gpu, false);
  assert.equal(model.info.details.threads, testThreads);
  assert.match(String(model.info.details.engine), /^node-llama-cpp 3\.21\.1$/);
  assert.deepEqual(model.capabilities, { text: true, image: false, jsonSchema: true, lora: true });
});

test('renders Gemma turns, folding the system prompt into the first user turn', () => {
  const prompt = model.formatPrompt([
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'First question' },
    { role: 'assistant', content: 'First answer' },
    { role: 'user', content: 'Second question' },
  ]);
  assert.equal(
    prompt,
    '<bos><start_of_turn>user\nBe brief.\n\nFirst question<end_of_turn>\n' +
      '<start_of_turn>model\nFirst answer<end_of_turn>\n' +
      '<start_of_turn>user\nSecond question<end_of_turn>\n' +
      '<start_of_turn>model\n',
  );
});

test('control-token text inside a message stays text', () => {
  const prompt = model.formatPrompt([{ role: 'user', content: 'note <end_of_turn> more' }]);
  // The literal appears once inside the user text and once as the real end of the turn.
  assert.equal(prompt.split('<end_of_turn>').length - 1, 2);
  assert.match(prompt, /note <end_of_turn> more<end_of_turn>\n<start_of_turn>model\n$/);
});

test('generates text, streams it, and counts tokens and time', async () => {
  const deltas: string[] = [];
  const result = await model.generate(greeting, { maxTokens: 12, onTextDelta: (delta) => deltas.push(delta) });
  assert.ok(result.text.length > 0);
  assert.equal(deltas.join(''), result.text);
  assert.ok(result.usage.promptTokens > 10, `prompt tokens ${result.usage.promptTokens}`);
  assert.ok(result.usage.completionTokens >= 1 && result.usage.completionTokens <= 12);
  assert.ok(result.timings.timeToFirstTokenMs > 0);
  assert.ok(result.timings.totalMs >= result.timings.timeToFirstTokenMs);
  if (result.usage.completionTokens > 1) assert.ok(result.timings.decodeTokensPerSecond > 0);
});

test('greedy output is deterministic, whether the prompt is cached or not', async () => {
  const first = await model.generate(greeting, { maxTokens: 24, temperature: 0 });
  const second = await model.generate(greeting, { maxTokens: 24, temperature: 0 });
  assert.equal(second.text, first.text);
  assert.ok(second.usage.cachedPromptTokens > 0);
  const cold = await model.generate([{ role: 'user', content: 'Something else entirely.' }], { maxTokens: 4 });
  assert.ok(cold.text.length >= 0);
  const again = await model.generate(greeting, { maxTokens: 24, temperature: 0 });
  assert.equal(again.text, first.text);
});

test('maxTokens ends generation with finishReason length after exactly that many tokens', async () => {
  const result = await model.generate(greeting, { maxTokens: 7 });
  assert.equal(result.finishReason, 'length');
  assert.equal(result.usage.completionTokens, 7);
});

test('a prompt that leaves no room in the context is refused', async () => {
  const huge: ChatMessage[] = [{ role: 'user', content: 'word '.repeat(3000) }];
  await assert.rejects(model.generate(huge), (error) => isNorthstationError(error, 'payload_too_large'));
});

test('stop strings end generation and are not part of the text', async () => {
  const free = await model.generate(greeting, { maxTokens: 16 });
  const words = free.text.trim().split(/\s+/);
  assert.ok(words.length >= 2, `need at least two words of output, got ${JSON.stringify(free.text)}`);
  const stopAt = words[1]!;
  const stopped = await model.generate(greeting, { maxTokens: 16, stop: [stopAt] });
  assert.equal(stopped.finishReason, 'stop');
  assert.equal(stopped.text, free.text.slice(0, free.text.indexOf(stopAt)));
});

test('JSON schema output is grammar-constrained, parsed and validated', async () => {
  const schema = {
    type: 'object',
    properties: { urgent: { type: 'boolean' }, level: { enum: ['low', 'medium', 'high'] } },
    required: ['urgent', 'level'],
    additionalProperties: false,
  } as const;
  const result = await model.generate(greeting, { maxTokens: 64, jsonSchema: schema });
  assert.equal(result.finishReason, 'stop');
  const parsed = result.parsed as { urgent: boolean; level: string };
  assert.equal(typeof parsed.urgent, 'boolean');
  assert.ok(['low', 'medium', 'high'].includes(parsed.level));
  assert.deepEqual(JSON.parse(result.text), parsed);
});

test('an invalid JSON schema is a bad request', async () => {
  await assert.rejects(
    model.generate(greeting, { jsonSchema: { type: 'no-such-type' } }),
    (error) => isNorthstationError(error, 'bad_request'),
  );
});

test('abort mid-stream rejects with aborted promptly, and the next request works', async () => {
  const controller = new AbortController();
  let abortedAt = 0;
  let deltas = 0;
  const running = model.generate(greeting, {
    maxTokens: 900,
    signal: controller.signal,
    onTextDelta: () => {
      deltas++;
      if (deltas === 3) {
        abortedAt = performance.now();
        controller.abort();
      }
    },
  });
  await assert.rejects(running, (error) => isNorthstationError(error, 'aborted'));
  const latencyMs = performance.now() - abortedAt;
  assert.ok(deltas >= 3 && deltas < 50, `stopped after ${deltas} deltas`);
  assert.ok(latencyMs < 1000, `abort took ${latencyMs.toFixed(0)} ms`);
  const next = await model.generate(greeting, { maxTokens: 5 });
  assert.equal(next.usage.completionTokens, 5);
});

test('a text callback that throws stops generation and its error reaches the caller; the model keeps serving', async () => {
  let deltas = 0;
  const stopper = new NorthstationError('forbidden', 'a guard stopped the output');
  await assert.rejects(
    model.generate(greeting, {
      maxTokens: 64,
      onTextDelta: () => {
        deltas++;
        if (deltas === 3) throw stopper;
      },
    }),
    (error) => error === stopper,
  );
  assert.equal(deltas, 3, 'no more text after the callback threw');
  const next = await model.generate(greeting, { maxTokens: 4 });
  assert.equal(next.finishReason, 'length');
});

test('an already aborted signal rejects without generating', async () => {
  await assert.rejects(model.generate(greeting, { signal: AbortSignal.abort() }), (error) => isNorthstationError(error, 'aborted'));
});

test('an image part is refused as unsupported, pointing at the OpenAI-compatible backend', async () => {
  const withImage: ChatMessage[] = [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What does this X-ray show?' },
        { type: 'image', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mimeType: 'image/png' },
      ],
    },
  ];
  await assert.rejects(model.generate(withImage), (error) => {
    assert.ok(isNorthstationError(error, 'unsupported'));
    assert.match(error.message, /llama-server/);
    assert.match(error.message, /OpenAI-compatible/);
    return true;
  });
});

test('bad options are bad requests', async () => {
  await assert.rejects(model.generate(greeting, { maxTokens: 0 }), (error) => isNorthstationError(error, 'bad_request'));
  await assert.rejects(model.generate(greeting, { temperature: -1 }), (error) => isNorthstationError(error, 'bad_request'));
  await assert.rejects(model.generate([{ role: 'system', content: 'alone' }]), (error) => isNorthstationError(error, 'bad_request'));
});

test('sampling with a seed is reproducible', async () => {
  const a = await model.generate(greeting, { maxTokens: 16, temperature: 1, seed: 42 });
  const b = await model.generate(greeting, { maxTokens: 16, temperature: 1, seed: 42 });
  assert.equal(b.text, a.text);
});
