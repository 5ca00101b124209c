/**
 * The synthetic files against the real engine: node-llama-cpp (llama.cpp) must
 * load them, pick the Gemma chat wrapper, generate deterministically, honour
 * JSON-schema grammars, and apply or refuse LoRA adapters.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getLlama, LlamaChatSession, type Llama, type LlamaModel } from 'node-llama-cpp';
import { writeSyntheticModel } from './model-writer.ts';
import { ensureTinyLora, ensureTinyModel } from './test-models.ts';

const prompt = 'Summarise the patient history in one line.';
// One thread: the test machines are small and shared, and llama.cpp's spinning
// worker threads slow down badly when cores are contended.
const threads = 1;

let llama: Llama;
let model: LlamaModel;
let dir: string;

before(async () => {
  llama = await getLlama({ gpu: false });
  model = await llama.loadModel({ modelPath: await ensureTinyModel() });
  dir = await mkdtemp(join(tmpdir(), 'northstation-tiny-int-'));
});
after(async () => {
  await llama.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function generate(
  target: LlamaModel,
  options: { maxTokens?: number; lora?: { filePath: string; scale: number } } = {},
): Promise<{ text: string; tokens: number; wrapper: string }> {
  const context = await target.createContext({
    contextSize: 512,
    threads,
    ...(options.lora ? { lora: { adapters: [options.lora] } } : {}),
  });
  try {
    const session = new LlamaChatSession({ contextSequence: context.getSequence() });
    let tokens = 0;
    const text = await session.prompt(prompt, {
      maxTokens: options.maxTokens ?? 32,
      onToken: (chunk) => {
        tokens += chunk.length;
      },
    });
    return { text, tokens, wrapper: session.chatWrapper.wrapperName };
  } finally {
    await context.dispose();
  }
}

describe('tiny synthetic model in node-llama-cpp', () => {
  test('loads with the Gemma chat wrapper and generates every requested token', async () => {
    const result = await generate(model);
    assert.equal(result.wrapper, 'Gemma');
    assert.equal(result.tokens, 32);
    assert.ok(result.text.length > 0);
    assert.ok(!result.text.includes('<end_of_turn>'));
  });

  test('greedy output is deterministic', async () => {
    const first = await generate(model);
    const second = await generate(model);
    assert.equal(second.text, first.text);
  });

  test('JSON-schema grammar constrains the output', async () => {
    const grammar = await llama.createGrammarForJsonSchema({
      type: 'object',
      properties: { urgent: { type: 'boolean' }, label: { type: 'string', enum: ['low', 'high'] } },
      additionalProperties: false,
    } as const);
    const context = await model.createContext({ contextSize: 512, threads });
    try {
      const session = new LlamaChatSession({ contextSequence: context.getSequence() });
      const text = await session.prompt(prompt, { grammar, maxTokens: 64 });
      const parsed = grammar.parse(text);
      assert.equal(typeof parsed.urgent, 'boolean');
      assert.ok(parsed.label === 'low' || parsed.label === 'high');
    } finally {
      await context.dispose();
    }
  });

  test('q8_0 and q4_0 variants load and generate', async () => {
    for (const quant of ['q8_0', 'q4_0'] as const) {
      const out = join(dir, `tiny-${quant}.gguf`);
      await writeSyntheticModel({ shape: 'tiny', quant, out });
      const quantModel = await llama.loadModel({ modelPath: out });
      try {
        assert.equal((await generate(quantModel, { maxTokens: 8 })).tokens, 8, quant);
      } finally {
        await quantModel.dispose();
      }
    }
  });
});

describe('tiny synthetic LoRA in node-llama-cpp', () => {
  test('scale 1 changes greedy output; scale 0 does not', async () => {
    const filePath = await ensureTinyLora();
    const base = await generate(model);
    const adapted = await generate(model, { lora: { filePath, scale: 1 } });
    const disabled = await generate(model, { lora: { filePath, scale: 0 } });
    assert.notEqual(adapted.text, base.text);
    assert.equal(disabled.text, base.text);
  });

  test('an adapter for another architecture is refused', async () => {
    const filePath = await ensureTinyLora({ architecture: 'llama' });
    await assert.rejects(model.createContext({ contextSize: 512, threads, lora: { adapters: [{ filePath, scale: 1 }] } }));
  });
});
