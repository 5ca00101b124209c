/**
 * `hf:OWNER/REPO:QUANT` model references and the choice of one GGUF file from
 * a repository listing. Pure functions, table-tested.
 */
import { NorthstationError, badRequest } from '../../core/errors.ts';

export interface HfModelSpec {
  owner: string;
  repo: string;
  /** Quantisation tag to look for in file names, e.g. `Q4_K_M`; absent when a file is named instead. */
  quant?: string;
}

const namePart = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function parseHfSpec(spec: string): HfModelSpec {
  const match = /^hf:([^/:]+)\/([^/:]+)(?::([^/:]+))?$/.exec(spec);
  const [, owner, repo, quant] = match ?? [];
  if (owner === undefined || repo === undefined || !namePart.test(owner) || !namePart.test(repo)) {
    throw badRequest(`"${spec}" is not a Hugging Face reference; expected hf:OWNER/REPO:QUANT, e.g. hf:unsloth/medgemma-4b-it-GGUF:Q4_K_M`);
  }
  return quant === undefined ? { owner, repo } : { owner, repo, quant };
}

export interface HubFile {
  /** Path inside the repository. */
  path: string;
  sizeBytes?: number;
  /** SHA-256 of the content, from the hub's LFS record. */
  sha256?: string;
}

const isGguf = (path: string): boolean => path.toLowerCase().endsWith('.gguf');
const isProjector = (path: string): boolean => /mmproj/i.test(path);
const isSplit = (path: string): boolean => /-\d{5}-of-\d{5}\.gguf$/i.test(path);
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The file to download: `file` when named, else the one GGUF whose name holds
 * the quant tag as a whole word (Q4_0 does not match IQ4_0, Q4_K not Q4_K_M). Projector files
 * (mmproj) are skipped unless the tag asks for one.
 */
export function pickHubFile(files: readonly HubFile[], spec: HfModelSpec, file?: string): HubFile {
  const repo = `${spec.owner}/${spec.repo}`;
  const ggufs = files.filter((entry) => isGguf(entry.path));
  const available = ggufs.map((entry) => entry.path).join(', ') || 'none';
  if (file !== undefined) {
    const named = files.find((entry) => entry.path === file);
    if (!named) throw new NorthstationError('not_found', `${repo} has no file "${file}"; GGUF files: ${available}`, { repo, file });
    return named;
  }
  if (spec.quant === undefined) throw badRequest(`give a quantisation (hf:${repo}:QUANT) or --file NAME; GGUF files: ${available}`);
  // "_" may precede the tag (model_Q4_0) but not follow it, so Q4_K does not match Q4_K_M.
  const tag = new RegExp(`(^|[^A-Za-z0-9])${escapeRegExp(spec.quant)}([^A-Za-z0-9_]|$)`, 'i');
  const wantsProjector = isProjector(spec.quant);
  const matches = ggufs.filter((entry) => tag.test(entry.path.split('/').pop() ?? '') && isProjector(entry.path) === wantsProjector);
  const [only, ...others] = matches;
  if (only === undefined) {
    throw new NorthstationError('not_found', `${repo} has no GGUF file for "${spec.quant}"; GGUF files: ${available}`, { repo, quant: spec.quant });
  }
  if (others.length > 0) {
    throw badRequest(`"${spec.quant}" matches several files in ${repo}: ${matches.map((m) => m.path).join(', ')}; choose one with --file NAME`);
  }
  if (isSplit(only.path)) {
    throw new NorthstationError('unsupported', `${only.path} is one part of a split GGUF; Northstation registers single-file models only`, { file: only.path });
  }
  return only;
}
