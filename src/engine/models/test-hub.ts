/**
 * A stand-in for the Hugging Face hub on 127.0.0.1, for tests: the tree
 * listing (with LFS SHA-256), `resolve/main` redirecting to a "CDN" on another
 * host name (localhost) the way the real hub redirects to its CDN, and
 * misbehaviours a download must survive.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type TestHubBehaviour =
  /** Range requests answered with 206. */
  | 'normal'
  /** The first content request sends half the bytes, then drops the connection. */
  | 'drop-half-once'
  /** Every content request drops the connection half-way. */
  | 'drop-half-always'
  /** Range ignored: always 200 with the whole file. */
  | 'ignore-range'
  /** Listing without LFS records; the SHA-256 comes only from x-linked-etag. */
  | 'no-lfs'
  /** Listing and x-linked-etag give the SHA-256 of other bytes. */
  | 'wrong-checksum'
  /** Every request refused with 401, as for a gated repository without a token. */
  | 'gated';

export interface TestHubRepo {
  files: Record<string, Buffer>;
  behaviour?: TestHubBehaviour;
}

export interface RecordedRequest {
  host: string;
  path: string;
  range: string | undefined;
  authorization: string | undefined;
}

export interface TestHub {
  /** Hub URL (http://127.0.0.1:PORT). */
  url: string;
  requests: RecordedRequest[];
  /** Changes how a repository behaves from the next request on. */
  setBehaviour(repo: string, behaviour: TestHubBehaviour): void;
  close(): Promise<void>;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export async function startTestHub(repos: Record<string, TestHubRepo>): Promise<TestHub> {
  const requests: RecordedRequest[] = [];
  const contentRequests = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    requests.push({ host: req.headers.host ?? '', path: url.pathname, range: req.headers.range, authorization: req.headers.authorization });
    route(req, res, url.pathname);
  });

  const route = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/main$/.exec(path);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(path);
    const cdn = /^\/cdn\/([^/]+\/[^/]+)\/(.+)$/.exec(path);
    const repoName = tree?.[1] ?? resolve?.[1] ?? cdn?.[1] ?? '';
    const repo = repos[repoName];
    if (!repo) return void res.writeHead(404).end('repository not found');
    const behaviour = repo.behaviour ?? 'normal';
    if (behaviour === 'gated') return void res.writeHead(401).end('gated');
    if (tree) {
      listing(res, repo, behaviour);
      return;
    }
    const file = decodeURIComponent(resolve?.[2] ?? cdn?.[2] ?? '');
    const bytes = repo.files[file];
    if (!bytes) return void res.writeHead(404).end('entry not found');
    if (resolve) {
      // The hub answers with a redirect carrying the LFS facts; the bytes come from elsewhere.
      const port = (server.address() as AddressInfo).port;
      res.writeHead(302, {
        location: `http://localhost:${port}/cdn/${repoName}/${encodeURIComponent(file)}`,
        'x-linked-etag': `"${advertisedSha(bytes, behaviour)}"`,
        'x-linked-size': String(bytes.length),
      });
      return void res.end();
    }
    const key = `${repoName}/${file}`;
    const seen = (contentRequests.get(key) ?? 0) + 1;
    contentRequests.set(key, seen);
    serveContent(req, res, bytes, behaviour, seen);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setBehaviour: (name, behaviour) => {
      const repo = repos[name];
      if (!repo) throw new Error(`no test repository ${name}`);
      repo.behaviour = behaviour;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function advertisedSha(bytes: Buffer, behaviour: TestHubBehaviour): string {
  return behaviour === 'wrong-checksum' ? sha256(Buffer.concat([bytes, Buffer.from('tampered')])) : sha256(bytes);
}

function listing(res: ServerResponse, repo: TestHubRepo, behaviour: TestHubBehaviour): void {
  const entries = Object.entries(repo.files).map(([path, bytes]) => ({
    type: 'file',
    path,
    size: bytes.length,
    oid: createHash('sha1').update(bytes).digest('hex'),
    ...(behaviour === 'no-lfs' || !path.endsWith('.gguf') ? {} : { lfs: { oid: advertisedSha(bytes, behaviour), size: bytes.length, pointerSize: 134 } }),
  }));
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ type: 'directory', path: 'docs' }, ...entries]));
}

function serveContent(req: IncomingMessage, res: ServerResponse, bytes: Buffer, behaviour: TestHubBehaviour, seen: number): void {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range && behaviour !== 'ignore-range' ? Number(range[1]) : 0;
  if (start >= bytes.length && start > 0) {
    res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
    return;
  }
  const body = bytes.subarray(start);
  const headers = { 'content-length': String(body.length), 'content-type': 'application/octet-stream' };
  if (start > 0) res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` });
  else res.writeHead(200, headers);
  const drop = behaviour === 'drop-half-always' || (behaviour === 'drop-half-once' && seen === 1);
  if (!drop) return void res.end(body);
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
    // Let the half reach the client before the connection dies mid-body.
    setTimeout(() => res.destroy(), 20);
  });
}
