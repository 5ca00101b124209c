/**
 * The few Hugging Face hub calls `models pull` makes. Pulling is the one
 * outbound connection Northstation makes on a user's explicit command, so:
 * every host contacted is reported before contact, redirects are followed by
 * hand, and the token goes only to the configured hub host (over https, or
 * plain http on loopback for tests).
 */
import { NorthstationError } from '../../core/errors.ts';
import type { HubFile } from './hf-spec.ts';

export const defaultHubUrl = 'https://huggingface.co';

export interface HubClientOptions {
  /** Hub base URL. Default: NORTHSTATION_HF_HUB or https://huggingface.co. */
  hub?: string;
  /** Bearer token for gated repositories (MedGemma is gated). Default: HF_TOKEN. */
  token?: string;
  /** Told of each host before it is contacted. Default: none. */
  onContact?: (host: string, url: string) => void;
}

export interface HubClient {
  readonly hubUrl: URL;
  listFiles(owner: string, repo: string, signal?: AbortSignal): Promise<HubFile[]>;
  /** URL of a file's content (`resolve/main`). */
  fileUrl(owner: string, repo: string, path: string): URL;
  /** GET with redirects followed by hand; `headers` are sent on every hop, the token only to the hub. */
  get(url: URL, headers?: Record<string, string>, signal?: AbortSignal): Promise<HubResponse>;
}

export interface HubResponse {
  response: Response;
  /** Headers of the hub's own reply before any redirect (where x-linked-etag lives). */
  firstHeaders: Headers;
}

const maxRedirects = 10;

export function createHubClient(options: HubClientOptions = {}): HubClient {
  const hubUrl = parseHubUrl(options.hub ?? (process.env.NORTHSTATION_HF_HUB || defaultHubUrl));
  const token = options.token ?? (process.env.HF_TOKEN || undefined);
  const contacted = new Set<string>();
  const tokenAllowed = (url: URL): boolean =>
    url.host === hubUrl.host && (url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));

  const get = async (start: URL, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<HubResponse> => {
    let url = start;
    let firstHeaders: Headers | undefined;
    for (let hop = 0; hop <= maxRedirects; hop++) {
      if (!contacted.has(url.host)) {
        contacted.add(url.host);
        options.onContact?.(url.host, url.origin);
      }
      const hopHeaders: Record<string, string> = { ...headers };
      if (token !== undefined && tokenAllowed(url)) hopHeaders.authorization = `Bearer ${token}`;
      let response: Response;
      try {
        response = await fetch(url, { headers: hopHeaders, redirect: 'manual', ...(signal ? { signal } : {}) });
      } catch (error) {
        if (signal?.aborted) throw error;
        throw new NorthstationError('upstream_error', `cannot reach ${url.host}: ${(error as Error).message}`, { host: url.host }, { cause: error });
      }
      firstHeaders ??= response.headers;
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) return { response, firstHeaders };
      await response.body?.cancel();
      url = new URL(location, url);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new NorthstationError('upstream_error', `the hub redirected to a ${url.protocol} URL`, { url: url.href });
      }
    }
    throw new NorthstationError('upstream_error', `more than ${maxRedirects} redirects from ${start.host}`, { url: start.href });
  };

  return {
    hubUrl,
    fileUrl: (owner, repo, path) => new URL(`${base(hubUrl)}/${owner}/${repo}/resolve/main/${path.split('/').map(encodeURIComponent).join('/')}`),
    get,
    listFiles: async (owner, repo, signal) => {
      const files: HubFile[] = [];
      let next: URL | undefined = new URL(`${base(hubUrl)}/api/models/${owner}/${repo}/tree/main?recursive=true`);
      // The hub pages long listings with a Link: <…>; rel="next" header.
      for (let page = 0; next !== undefined && page < 50; page++) {
        const { response } = await get(next, { accept: 'application/json' }, signal);
        if (!response.ok) throw await hubError(response, `${owner}/${repo}`);
        files.push(...parseTree(await response.json()));
        next = nextPage(response.headers.get('link'), next);
      }
      return files;
    },
  };
}

function base(hubUrl: URL): string {
  return hubUrl.href.replace(/\/+$/, '');
}

function parseHubUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new NorthstationError('bad_request', `hub URL "${text}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new NorthstationError('bad_request', `hub URL "${text}" must be http(s)`);
  return url;
}

/** The hub's tree listing: [{ type, path, size, lfs?: { oid, size } }]. */
function parseTree(json: unknown): HubFile[] {
  if (!Array.isArray(json)) throw new NorthstationError('upstream_error', 'the hub returned a file listing that is not a list');
  return json.flatMap((entry: unknown): HubFile[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { type, path, size, lfs } = entry as { type?: unknown; path?: unknown; size?: unknown; lfs?: unknown };
    if (type !== 'file' || typeof path !== 'string') return [];
    const lfsRecord = typeof lfs === 'object' && lfs !== null ? (lfs as { oid?: unknown; size?: unknown }) : undefined;
    const sha256 = typeof lfsRecord?.oid === 'string' && /^[0-9a-f]{64}$/.test(lfsRecord.oid) ? lfsRecord.oid : undefined;
    const sizeBytes = typeof lfsRecord?.size === 'number' ? lfsRecord.size : typeof size === 'number' ? size : undefined;
    return [{ path, ...(sizeBytes !== undefined ? { sizeBytes } : {}), ...(sha256 !== undefined ? { sha256 } : {}) }];
  });
}

function nextPage(link: string | null, current: URL): URL | undefined {
  const match = link === null ? null : /<([^>]+)>\s*;\s*rel="next"/.exec(link);
  return match?.[1] === undefined ? undefined : new URL(match[1], current);
}

/** The hub's refusal as our error vocabulary, with what the user can do about it. */
export async function hubError(response: Response, what: string): Promise<NorthstationError> {
  await response.body?.cancel();
  const status = response.status;
  if (status === 401 || status === 403) {
    return new NorthstationError(
      'upstream_refused',
      `the hub refused ${what} (HTTP ${status}); MedGemma repositories are gated: accept the terms on the hub and set HF_TOKEN`,
      { status },
    );
  }
  if (status === 404) return new NorthstationError('not_found', `the hub has no ${what} (HTTP 404)`, { status });
  return new NorthstationError('upstream_error', `the hub answered HTTP ${status} for ${what}`, { status });
}
