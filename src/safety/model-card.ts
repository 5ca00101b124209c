/**
 * The notice every draft carries: which model wrote it, what the model card
 * says it is for, and its stated limitations (engine/catalog). The model is
 * recognised from its id or file name ("medgemma-4b-it-Q4_K_M.gguf" is
 * medgemma-4b-it); a synthetic model says it has random weights; a model the
 * catalog does not know says that its limitations are unknown.
 */
import type { ModelInfo } from '../engine/chat-model.ts';
import { findCatalogModel, medGemmaCatalog, type CatalogModel } from '../engine/catalog/medgemma.ts';

export type ModelCardStatus = 'catalog' | 'family' | 'synthetic' | 'unknown';

export interface ModelCardNotice {
  /** The model as the caller named it (an id, a file name, or ModelInfo.id). */
  model: string;
  status: ModelCardStatus;
  /** The catalog entry matched; null unless status is 'catalog'. */
  catalogId: string | null;
  displayName: string;
  intendedUse: string;
  limitations: readonly string[];
  /** One paragraph for the draft, in English as the model card is. */
  text: string;
}

const syntheticLimitations = [
  'Random weights, not a medical model: its output is noise, for testing the software only.',
  'Never use its output for patient care.',
] as const;

const unknownLimitations = [
  'This model is not in the Northstation catalog: its intended use and limitations are unknown.',
  'Treat every output as an unverified draft that a clinician checks against the source.',
] as const;

// Every MedGemma variant states the same limitations (§7); a file we cannot pin to one variant still carries them.
const familyLimitations: readonly string[] = medGemmaCatalog[0].limitations;

/** Quantisation and packaging suffixes of GGUF and hub names: -Q4_K_M, .Q8_0, -F16, -BF16, -IQ3_XS, -GGUF, -it-GGUF. */
const suffixes = /(?:[-_.](?:i?q\d[\w]*|f16|f32|bf16|fp16|fp32|gguf|mmproj[\w-]*|\d{5}-of-\d{5}))+$/i;

/** The catalog id a model id, file path or hub name points at, or undefined. */
export function catalogIdFor(name: string): string | undefined {
  const base = (name.split(/[\\/]/).at(-1) ?? name).replace(/\.gguf$/i, '');
  const normalised = base.toLowerCase().replace(/_/g, '-').replace(suffixes, '');
  // An exact name first, then an id standing whole inside a longer name ("unsloth-medgemma-27b-text-it", "medgemma-4b-it-qat").
  return catalogIds.find((entry) => normalised === entry.id)?.id ?? catalogIds.find((entry) => entry.within.test(normalised))?.id;
}

const catalogIds = medGemmaCatalog.map((entry) => ({
  id: entry.id,
  within: new RegExp(`(?:^|[^a-z0-9.])${entry.id.replace(/\./g, '\\.')}(?:$|[^a-z0-9])`),
}));

export function modelCardNotice(model: ModelInfo | string): ModelCardNotice {
  const info = typeof model === 'string' ? undefined : model;
  const name = info?.id ?? (model as string);
  if (info?.synthetic) return notice(name, 'synthetic', null, 'Synthetic test model', 'Testing Northstation itself; no clinical use.', syntheticLimitations);

  const candidates = [name, ...(info ? [info.details.path, info.details.upstreamModel].filter((v): v is string => typeof v === 'string') : [])];
  for (const candidate of candidates) {
    const id = catalogIdFor(candidate);
    if (id !== undefined) {
      const entry: CatalogModel = findCatalogModel(id);
      return notice(name, 'catalog', entry.id, entry.displayName, entry.intendedUse, entry.limitations);
    }
  }
  if (candidates.some((candidate) => /medgemma/i.test(candidate))) {
    return notice(
      name,
      'family',
      null,
      'MedGemma (variant not identified)',
      'A MedGemma variant this catalog could not identify; the family is a starting point for developers building healthcare applications (Google Health AI Developer Foundations), and every output is a preliminary draft that a clinician verifies independently.',
      familyLimitations,
    );
  }
  return notice(name, 'unknown', null, 'Unknown model', 'Unknown: the model is not in the Northstation catalog.', unknownLimitations);
}

function notice(model: string, status: ModelCardStatus, catalogId: string | null, displayName: string, intendedUse: string, limitations: readonly string[]): ModelCardNotice {
  const text = `Drafted by ${model} (${displayName}). Intended use: ${intendedUse} Limitations: ${limitations.join(' ')}`;
  return { model, status, catalogId, displayName, intendedUse, limitations, text };
}
