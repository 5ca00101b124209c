/**
 * PubMedQA (Jin et al., EMNLP 2019), the expert-labelled PQA-L set: 1000
 * questions with abstract contexts, answered yes / no / maybe. Read at run
 * time from the shared data folder (qa/pubmedqa-ori_pqal.json); never copied
 * into the repository.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NorthstationError } from '../../core/errors.ts';

export const pubmedQaAnswers = ['yes', 'no', 'maybe'] as const;
export type PubMedQaAnswer = (typeof pubmedQaAnswers)[number];

export interface PubMedQaItem {
  pmid: string;
  question: string;
  contexts: string[];
  answer: PubMedQaAnswer;
}

export const pubmedQaFile = join('qa', 'pubmedqa-ori_pqal.json');

export async function loadPubMedQa(dataDir: string): Promise<PubMedQaItem[]> {
  const path = join(dataDir, pubmedQaFile);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new NorthstationError('not_found', `cannot read PubMedQA at ${path}; pass --data DIR or set NORTHSTATION_SHARED_DATA to the shared data folder`, { path }, { cause: error });
  }
  if (typeof json !== 'object' || json === null) throw malformed(path, 'not an object');
  return Object.entries(json as Record<string, Record<string, unknown>>).map(([pmid, entry]) => {
    const answer = entry.final_decision;
    if (typeof entry.QUESTION !== 'string' || !Array.isArray(entry.CONTEXTS) || !isAnswer(answer)) throw malformed(path, `entry ${pmid}`);
    return { pmid, question: entry.QUESTION, contexts: entry.CONTEXTS.map(String), answer };
  });
}

function isAnswer(value: unknown): value is PubMedQaAnswer {
  return (pubmedQaAnswers as readonly unknown[]).includes(value);
}

function malformed(path: string, where: string): NorthstationError {
  return new NorthstationError('config_invalid', `${path} is not the PubMedQA PQA-L file (${where})`, { path });
}

/**
 * `limit` items keeping the answer mix of the whole set (largest-remainder
 * allocation), chosen and ordered by `seed`, so that a small run measures the
 * same mix as the full one and two runs with one seed ask the same questions.
 * `limit` 0 or at least the set's size takes everything (still shuffled).
 */
export function stratifiedSample<T extends { answer: string; pmid: string }>(items: readonly T[], limit: number, seed: number): T[] {
  const sorted = [...items].sort((a, b) => (a.pmid < b.pmid ? -1 : a.pmid > b.pmid ? 1 : 0)); // input order must not matter
  const take = limit <= 0 || limit >= sorted.length ? sorted.length : limit;
  const groups = new Map<string, T[]>();
  for (const item of sorted) {
    const group = groups.get(item.answer) ?? [];
    group.push(item);
    groups.set(item.answer, group);
  }
  const quotas = [...groups].map(([answer, members]) => {
    const exact = (members.length * take) / sorted.length;
    return { answer, members, count: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let left = take - quotas.reduce((sum, quota) => sum + quota.count, 0);
  for (const quota of [...quotas].sort((a, b) => b.remainder - a.remainder || (a.answer < b.answer ? -1 : 1))) {
    if (left-- <= 0) break;
    quota.count++;
  }
  const random = mulberry32(seed);
  const chosen = quotas.flatMap((quota) => shuffle(quota.members, random).slice(0, quota.count));
  return shuffle(chosen, random);
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const result = [...items];
  for (let index = result.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

/** Small, well-known 32-bit PRNG: enough to pick questions reproducibly. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
