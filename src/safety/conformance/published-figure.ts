/**
 * The published PubMedQA figure for a model, when it is a catalog model.
 * Matched by name: the catalog id (or its Hugging Face repo name) inside the
 * model id, file name or upstream model name, longest match first, so that
 * "medgemma-1.5-4b-it-Q4_K_M.gguf" is 1.5 and not 4B v1.
 */
import { basename } from 'node:path';
import { medGemmaCatalog } from '../../engine/catalog/medgemma.ts';
import type { ModelIdentity } from './report.ts';

export interface PublishedFigure {
  catalogId: string;
  benchmark: string;
  score: number;
}

export function catalogIdFor(identity: ModelIdentity): string | undefined {
  const names = [identity.id, identity.file ? basename(identity.file.path) : undefined, identity.upstream?.model]
    .filter((name): name is string => name !== undefined)
    .map(normalise);
  const matches = medGemmaCatalog.filter((entry) => {
    const candidates = [entry.id, entry.huggingFaceRepo.split('/').at(-1) ?? entry.id].map(normalise);
    return names.some((name) => candidates.some((candidate) => containsAsWord(name, candidate)));
  });
  return matches.sort((a, b) => b.id.length - a.id.length)[0]?.id;
}

export function publishedPubMedQa(identity: ModelIdentity): PublishedFigure | undefined {
  const catalogId = catalogIdFor(identity);
  const entry = medGemmaCatalog.find((model) => model.id === catalogId);
  const result = entry?.benchmarks.find((benchmark) => benchmark.benchmark === 'PubMedQA');
  return entry && result ? { catalogId: entry.id, benchmark: result.benchmark, score: result.score } : undefined;
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[_\s]+/g, '-');
}

/** `candidate` inside `name`, not glued to more letters or digits (so "medgemma-4b-it" is not found in "xmedgemma-4b-it2"). */
function containsAsWord(name: string, candidate: string): boolean {
  for (let at = name.indexOf(candidate); at !== -1; at = name.indexOf(candidate, at + 1)) {
    const before = name[at - 1];
    const after = name[at + candidate.length];
    if ((before === undefined || !/[a-z0-9.]/.test(before)) && (after === undefined || !/[a-z0-9]/.test(after))) return true;
  }
  return false;
}
