/**
 * The serving report `serve` hands the clinical app for `GET /api/status`
 * (server/clinical/serving-report.ts): the gate's decision and the weights'
 * identity from the serving model, the memory the sizing expects (as
 * `./northstation sizing` computes it: the GGUF file's exact weights when
 * there is one, else the catalog entry at the model's quantisation), and the
 * site's records database and imaging listener.
 */
import { defaultContextOptions } from '../engine/catalog/kv-cache.ts';
import { estimateFromCatalog, estimateFromGguf } from '../engine/catalog/sizing.ts';
import type { ModelInfo } from '../engine/chat-model.ts';
import { readGguf } from '../engine/gguf/reader.ts';
import type { RecordsLocation } from '../records/open-store.ts';
import { isPostgresUrl } from '../records/postgres-store.ts';
import { catalogIdFor } from '../safety/model-card.ts';
import type { ServingReport } from '../server/clinical/serving-report.ts';
import type { ServingModel } from './serving-model.ts';

export interface SiteFacts {
  records: RecordsLocation;
  /** The DICOM storage listener's port and called AE title, when `serve` runs one. */
  imagingListener?: { port: number; aeTitle: string };
}

export async function servingReportFor(serving: ServingModel, site: SiteFacts): Promise<ServingReport> {
  return {
    identity: serving.identity,
    conformance: serving.conformance,
    memoryEstimateBytes: await memoryEstimateBytes(serving.model.info),
    records: isPostgresUrl(site.records.db ?? '') ? 'postgresql' : 'sqlite',
    imagingListener: site.imagingListener ?? null,
  };
}

/**
 * The sizing estimate's total for the loaded model at its context and sequences; null when it
 * cannot say (an upstream model, a file it cannot read, a model neither a GGUF file nor in the catalog).
 */
export async function memoryEstimateBytes(info: ModelInfo): Promise<number | null> {
  if (info.backend !== 'llama' || info.contextSize === undefined) return null;
  const sequences = typeof info.details.sequences === 'number' ? info.details.sequences : defaultContextOptions.sequences;
  const context = { contextSize: info.contextSize, sequences, flashAttention: true };
  try {
    const path = info.details.path;
    if (typeof path === 'string' && path.toLowerCase().endsWith('.gguf')) return estimateFromGguf(await readGguf(path), context).totalBytes;
    const catalogId = catalogIdFor(info.id);
    const quant = info.details.quantisation;
    if (catalogId !== undefined && typeof quant === 'string') return estimateFromCatalog({ modelId: catalogId, quant, ...context }).totalBytes;
  } catch {
    // An unknown shape or quantisation: the screen says "unknown" rather than a guess.
  }
  return null;
}
