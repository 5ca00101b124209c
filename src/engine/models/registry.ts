/**
 * The model registry: which GGUF files this site has vetted, with their
 * SHA-256, so that provenance (which exact weights wrote a draft) can name
 * them. One JSON file under the data home, written atomically.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { dataHome } from '../../core/data-home.ts';
import { NorthstationError } from '../../core/errors.ts';
import { writeFileAtomic } from './atomic-write.ts';

const modelSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file') }),
  z.object({ kind: z.literal('huggingface'), hub: z.string(), repo: z.string(), file: z.string() }),
]);

const registeredModelSchema = z.object({
  id: z.string(),
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  architecture: z.string(),
  quantisation: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** Random weights (northstation.synthetic): never a medical model. */
  synthetic: z.boolean(),
  addedAt: z.string(),
  source: modelSourceSchema,
  /**
   * The file's device and inode when it was registered (decimal strings: inodes can exceed 2^53).
   * Records written before these existed lack them; their hash is then never reused unchecked.
   */
  device: z.string().regex(/^\d+$/).optional(),
  inode: z.string().regex(/^\d+$/).optional(),
});

const registryFileSchema = z.object({ version: z.literal(1), models: z.array(registeredModelSchema) });

export type ModelSource = z.infer<typeof modelSourceSchema>;
export type RegisteredModel = z.infer<typeof registeredModelSchema>;

export interface ModelRegistryOptions {
  /** Data directory. Default: NORTHSTATION_HOME or ~/.northstation. */
  home?: string;
}

export interface ModelRegistry {
  /** The JSON file the registry lives in. */
  readonly file: string;
  list(): Promise<RegisteredModel[]>;
  find(id: string): Promise<RegisteredModel | undefined>;
  /** Adds `model`; an id already taken by different bytes or path is a `conflict`. */
  add(model: RegisteredModel): Promise<RegisteredModel>;
}

/** Ids are safe in URLs, file names and logs. */
export const modelIdPattern = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export function openModelRegistry(options: ModelRegistryOptions = {}): ModelRegistry {
  const file = join(options.home ?? dataHome(), 'models', 'registry.json');
  const list = async (): Promise<RegisteredModel[]> => (await load(file)).models;
  return {
    file,
    list,
    find: async (id) => (await list()).find((model) => model.id === id),
    add: async (model) => {
      if (!modelIdPattern.test(model.id)) {
        throw new NorthstationError('bad_request', `model id "${model.id}" must match ${String(modelIdPattern)}`, { id: model.id });
      }
      // Read-modify-write: two `models add` at the same instant may lose one entry, never corrupt the file.
      const current = await load(file);
      const existing = current.models.find((entry) => entry.id === model.id);
      if (existing) {
        if (existing.sha256 === model.sha256 && existing.path === model.path) return existing;
        throw new NorthstationError(
          'conflict',
          `model id "${model.id}" is already registered for ${existing.path} (sha256 ${existing.sha256.slice(0, 12)}…); choose another with --id`,
          { id: model.id, path: existing.path },
        );
      }
      await writeFileAtomic(file, JSON.stringify({ version: 1, models: [...current.models, model] }, null, 2) + '\n');
      return model;
    },
  };
}

async function load(file: string): Promise<z.infer<typeof registryFileSchema>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, models: [] };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new NorthstationError('config_invalid', `model registry ${file} is not valid JSON; fix or remove it`, { file }, { cause: error });
  }
  const parsed = registryFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new NorthstationError('config_invalid', `model registry ${file} is malformed: ${parsed.error.issues[0]?.message ?? 'unknown'}`, { file });
  }
  return parsed.data;
}
