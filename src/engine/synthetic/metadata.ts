/**
 * GGUF metadata for synthetic Gemma 3 models: the keys llama.cpp's gemma3
 * loader reads (names from src/llama-arch.cpp), the SentencePiece tokenizer
 * keys, Gemma's chat template, and `northstation.synthetic` so the engine can
 * tell random weights from a real model.
 */
import { ggufValue, type GgufWriteValue } from '../gguf/writer.ts';
import type { ModelShape, QuantName } from './shapes.ts';
import { quantFileTypes } from './shapes.ts';
import type { Vocab } from './vocab.ts';

/** Marks files whose weights are random; the engine shows a banner for these. */
export const syntheticKey = 'northstation.synthetic';

/** Gemma 3's chat template (as shipped in its tokenizer_config.json); node-llama-cpp maps it to its Gemma wrapper. */
export const gemmaChatTemplate = [
  "{{ bos_token }}",
  "{%- if messages[0]['role'] == 'system' -%}",
  "{%- if messages[0]['content'] is string -%}",
  "{%- set first_user_prefix = messages[0]['content'] + '\\n\\n' -%}",
  "{%- else -%}",
  "{%- set first_user_prefix = messages[0]['content'][0]['text'] + '\\n\\n' -%}",
  "{%- endif -%}",
  "{%- set loop_messages = messages[1:] -%}",
  "{%- else -%}",
  "{%- set first_user_prefix = \"\" -%}",
  "{%- set loop_messages = messages -%}",
  "{%- endif -%}",
  "{%- for message in loop_messages -%}",
  "{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}",
  "{{ raise_exception(\"Conversation roles must alternate user/assistant/user/assistant/...\") }}",
  "{%- endif -%}",
  "{%- if (message['role'] == 'assistant') -%}",
  "{%- set role = \"model\" -%}",
  "{%- else -%}",
  "{%- set role = message['role'] -%}",
  "{%- endif -%}",
  "{{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else \"\") }}",
  "{%- if message['content'] is string -%}",
  "{{ message['content'] | trim }}",
  "{%- elif message['content'] is iterable -%}",
  "{%- for item in message['content'] -%}",
  "{%- if item['type'] == 'image' -%}",
  "{{ '<start_of_image>' }}",
  "{%- elif item['type'] == 'text' -%}",
  "{{ item['text'] | trim }}",
  "{%- endif -%}",
  "{%- endfor -%}",
  "{%- else -%}",
  "{{ raise_exception(\"Invalid content type\") }}",
  "{%- endif -%}",
  "{{ '<end_of_turn>\\n' }}",
  "{%- endfor -%}",
  "{%- if add_generation_prompt -%}",
  "{{'<start_of_turn>model\\n'}}",
  "{%- endif -%}",
].join('\n');

export function syntheticModelMetadata(shape: ModelShape, quant: QuantName, vocab: Vocab, seed: number, markSynthetic = true): Record<string, GgufWriteValue> {
  const arch = 'gemma3';
  const metadata: Record<string, GgufWriteValue> = {
    'general.architecture': ggufValue.string(arch),
    'general.type': ggufValue.string('model'),
    'general.name': ggufValue.string(`Synthetic Gemma 3 ${shape.name} (random weights, not a medical model)`),
    'general.description': ggufValue.string(`Random weights written by northstation synth-model, seed ${seed}. Output is meaningless.`),
    'general.file_type': ggufValue.uint32(quantFileTypes[quant]),
    'general.quantization_version': ggufValue.uint32(2),
    ...(markSynthetic
      ? {
          [syntheticKey]: ggufValue.bool(true),
          'northstation.synthetic.shape': ggufValue.string(shape.name),
          'northstation.synthetic.seed': ggufValue.uint32(seed),
        }
      : {}),
    [`${arch}.context_length`]: ggufValue.uint32(shape.contextLength),
    [`${arch}.embedding_length`]: ggufValue.uint32(shape.hidden),
    [`${arch}.block_count`]: ggufValue.uint32(shape.layers),
    [`${arch}.feed_forward_length`]: ggufValue.uint32(shape.ffn),
    [`${arch}.attention.head_count`]: ggufValue.uint32(shape.heads),
    [`${arch}.attention.head_count_kv`]: ggufValue.uint32(shape.kvHeads),
    [`${arch}.attention.key_length`]: ggufValue.uint32(shape.headDim),
    [`${arch}.attention.value_length`]: ggufValue.uint32(shape.headDim),
    [`${arch}.attention.layer_norm_rms_epsilon`]: ggufValue.float32(shape.rmsEps),
    [`${arch}.attention.sliding_window`]: ggufValue.uint32(shape.slidingWindow),
    [`${arch}.rope.freq_base`]: ggufValue.float32(shape.ropeBaseGlobal),
    [`${arch}.rope.freq_base_swa`]: ggufValue.float32(shape.ropeBaseLocal),
  };
  if (shape.ropeLinearScale !== null) {
    metadata[`${arch}.rope.scaling.type`] = ggufValue.string('linear');
    metadata[`${arch}.rope.scaling.factor`] = ggufValue.float32(shape.ropeLinearScale);
  }
  Object.assign(metadata, tokenizerMetadata(vocab));
  return metadata;
}

function tokenizerMetadata(vocab: Vocab): Record<string, GgufWriteValue> {
  return {
    'tokenizer.ggml.model': ggufValue.string('llama'),
    'tokenizer.ggml.tokens': ggufValue.stringArray(vocab.tokens),
    'tokenizer.ggml.scores': ggufValue.float32Array(vocab.scores),
    'tokenizer.ggml.token_type': ggufValue.int32Array(vocab.types),
    'tokenizer.ggml.bos_token_id': ggufValue.uint32(vocab.ids.bos),
    'tokenizer.ggml.eos_token_id': ggufValue.uint32(vocab.ids.eos),
    'tokenizer.ggml.unknown_token_id': ggufValue.uint32(vocab.ids.unk),
    'tokenizer.ggml.padding_token_id': ggufValue.uint32(vocab.ids.pad),
    'tokenizer.ggml.add_bos_token': ggufValue.bool(true),
    'tokenizer.ggml.add_eos_token': ggufValue.bool(false),
    // Gemma's SentencePiece model does not prepend a space (convert_hf_to_gguf sets this false).
    'tokenizer.ggml.add_space_prefix': ggufValue.bool(false),
    'tokenizer.chat_template': ggufValue.string(gemmaChatTemplate),
  };
}
