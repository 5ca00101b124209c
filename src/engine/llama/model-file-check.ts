/**
 * Checks a model file and its LoRA adapters before llama.cpp sees them.
 * llama.cpp trusts its input: a truncated file, a file that is not GGUF, or an
 * adapter for another model can end in an abort that takes the server down,
 * or in an error message that names no file. Here the bounds-checked reader
 * and the rules llama.cpp applies (src/llama-adapter.cpp) run first, so every
 * refusal is a NorthstationError that says which file and why.
 */
import { NorthstationError } from '../../core/errors.ts';
import { readGguf, type GgufFile } from '../gguf/reader.ts';

/** Architectures this backend runs: MedGemma 4B and 27B are Gemma 3. */
export const supportedArchitectures: readonly string[] = ['gemma3'];

/** Reads `path` as a GGUF model and checks that this backend can run it. */
export async function inspectModelFile(path: string): Promise<GgufFile> {
  const file = await readGguf(path);
  const generalType = stringValue(file.metadata['general.type']);
  if (generalType === 'adapter') {
    throw new NorthstationError('model_invalid', `${path} is a LoRA adapter, not a model; pass it as a lora adapter of its base model`, {
      path,
    });
  }
  if (!supportedArchitectures.includes(file.architecture)) {
    throw new NorthstationError(
      'unsupported',
      `${path}: architecture "${file.architecture}" is not supported by the embedded backend (supported: ${supportedArchitectures.join(', ')})`,
      { path, architecture: file.architecture },
    );
  }
  return file;
}

/** Reads `path` as a LoRA adapter and checks that it fits `model` (same architecture, matching tensor shapes). */
export async function inspectLoraFile(path: string, model: GgufFile): Promise<GgufFile> {
  const adapter = await readGguf(path);
  const invalid = (reason: string, details: Record<string, unknown> = {}): NorthstationError =>
    new NorthstationError('model_invalid', `LoRA adapter ${path} ${reason}`, { path, ...details });

  const generalType = stringValue(adapter.metadata['general.type']);
  if (generalType !== 'adapter') throw invalid(`is not an adapter (general.type is "${generalType ?? 'missing'}")`);
  const adapterType = stringValue(adapter.metadata['adapter.type']);
  if (adapterType !== 'lora') throw invalid(`is not a LoRA adapter (adapter.type is "${adapterType ?? 'missing'}")`);
  if (adapter.architecture !== model.architecture) {
    throw invalid(`is for architecture "${adapter.architecture}" but the model is "${model.architecture}"`, {
      adapterArchitecture: adapter.architecture,
      modelArchitecture: model.architecture,
    });
  }
  checkLoraShapes(adapter, model, invalid);
  return adapter;
}

type Shape = readonly number[];

/** llama.cpp's shape rules for LoRA pairs; shapes are in ggml order (ne[0] first). */
function checkLoraShapes(adapter: GgufFile, model: GgufFile, invalid: (reason: string) => NorthstationError): void {
  const modelShapes = new Map<string, Shape>(model.tensors.map((tensor) => [tensor.name, tensor.shape]));
  const pairs = new Map<string, { a?: Shape; b?: Shape }>();
  for (const tensor of adapter.tensors) {
    const match = /^(.*)\.lora_([ab])$/.exec(tensor.name);
    if (!match) continue;
    const [, base = '', half] = match;
    const pair = pairs.get(base) ?? {};
    if (half === 'a') pair.a = tensor.shape;
    else pair.b = tensor.shape;
    pairs.set(base, pair);
  }
  if (pairs.size === 0) throw invalid('holds no LoRA tensors');
  for (const [name, { a, b }] of pairs) {
    if (!a || !b) throw invalid(`has only one half of the LoRA pair for ${name}`);
    const base = modelShapes.get(name);
    if (!base) throw invalid(`changes tensor ${name}, which the model does not have (an adapter for another model?)`);
    const fits =
      name === 'token_embd.weight'
        ? base[0] === b[1] && base[1] === a[1] // A and B are swapped for the embedding (llm_build_inp_embd)
        : base[0] === a[0] && base[1] === b[1] && a[1] === b[0];
    if (!fits) {
      throw invalid(
        `does not match the model's tensor ${name} (model [${base.join(', ')}], lora_a [${a.join(', ')}], lora_b [${b.join(', ')}]); an adapter for another model size?`,
      );
    }
  }
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
