/**
 * A fake OpenAI-compatible server for tests: a real node:http server on
 * 127.0.0.1 with an ephemeral port that replays scripted replies (normal,
 * streamed in odd chunk boundaries, hanging, garbage, errors, cut off) and
 * records what it received. Test code only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply =
  /** Raw bytes written in order, `delayMs` apart, then the reply ends, hangs or has its socket destroyed. */
  | { kind: 'stream'; chunks: readonly (string | Uint8Array)[]; delayMs?: number; then?: 'end' | 'hang' | 'destroy'; contentType?: string }
  | { kind: 'json'; body: unknown; status?: number; headers?: Record<string, string> }
  | { kind: 'raw'; body: string; status: number; contentType: string }
  /** Never answers (until the client gives up). */
  | { kind: 'hang' };

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** Resolves when the connection that carried this request closes. */
  closed: Promise<void>;
}

export interface TestUpstream {
  /** API root, `/v1` included. */
  baseUrl: string;
  /** Chat-completion requests received, in order. */
  chatRequests: ReceivedRequest[];
  /** Health checks received (GET …/models or /health). */
  healthChecks: number;
  /** Status health checks answer with; set it to make the server look down. */
  healthStatus: number;
  /** Queues replies for the next chat requests; once empty, `fallback` answers. */
  enqueue(...replies: Reply[]): void;
  close(): Promise<void>;
}

export interface TestUpstreamOptions {
  /** Answers chat requests when the queue is empty. Default: streamed "Hello world". */
  fallback?: Reply;
}

export async function startTestUpstream(options: TestUpstreamOptions = {}): Promise<TestUpstream> {
  const queue: Reply[] = [];
  const fallback = options.fallback ?? streamReply(['Hello', ' world']);
  const server = http.createServer((req, res) => {
    const closed = new Promise<void>((resolve) => req.socket.once('close', resolve));
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const path = req.url ?? '/';
      if (req.method === 'GET' && (path.endsWith('/models') || path === '/health')) {
        upstream.healthChecks += 1;
        res.writeHead(upstream.healthStatus, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'test-model', object: 'model' }] }));
        return;
      }
      const text = Buffer.concat(parts).toString('utf8');
      upstream.chatRequests.push({ path, headers: req.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), closed });
      play(queue.shift() ?? fallback, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const upstream: TestUpstream = {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    chatRequests: [],
    healthChecks: 0,
    healthStatus: 200,
    enqueue: (...replies) => queue.push(...replies),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
  return upstream;
}

function play(reply: Reply, res: http.ServerResponse): void {
  switch (reply.kind) {
    case 'hang':
      return;
    case 'json':
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body));
      return;
    case 'raw':
      res.writeHead(reply.status, { 'content-type': reply.contentType });
      res.end(reply.body);
      return;
    case 'stream': {
      res.writeHead(200, { 'content-type': reply.contentType ?? 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      const chunks = [...reply.chunks];
      const next = (): void => {
        if (res.destroyed) return;
        const chunk = chunks.shift();
        if (chunk !== undefined) {
          res.write(chunk);
          if (reply.delayMs) setTimeout(next, reply.delayMs);
          else setImmediate(next); // separate writes, so that the client sees separate packets
          return;
        }
        if (reply.then === 'destroy') res.destroy();
        else if (reply.then !== 'hang') res.end();
      };
      next();
      return;
    }
  }
}

export interface StreamShape {
  /** Final finish_reason; null sends none. Default: 'stop'. */
  finishReason?: string | null;
  /** A usage chunk at the end (vLLM/OpenAI style); null sends none. Default: none. */
  usage?: { prompt: number; completion: number; cached?: number } | null;
  /** Send `data: [DONE]`. Default: true. */
  done?: boolean;
}

/** SSE text of a streamed completion, shaped like vLLM's: role chunk, one chunk per piece, finish, usage, [DONE]. */
export function sseText(pieces: readonly string[], shape: StreamShape = {}): string {
  const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1, model: 'test-model' };
  const events: unknown[] = [{ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }];
  for (const piece of pieces) events.push({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
  const finishReason = shape.finishReason === undefined ? 'stop' : shape.finishReason;
  if (finishReason !== null) events.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason }] });
  if (shape.usage) {
    const { prompt, completion, cached } = shape.usage;
    const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, ...(cached === undefined ? {} : { prompt_tokens_details: { cached_tokens: cached } }) };
    events.push({ ...base, choices: [], usage });
  }
  const lines = events.map((event) => `data: ${JSON.stringify(event)}\n\n`);
  if (shape.done !== false) lines.push('data: [DONE]\n\n');
  return lines.join('');
}

/** Cuts text's UTF-8 bytes every `size` bytes, splitting lines and characters alike. */
export function splitBytes(text: string, size: number): Uint8Array[] {
  const bytes = Buffer.from(text, 'utf8');
  const parts: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) parts.push(bytes.subarray(start, start + size));
  return parts;
}

/** A streamed reply; with `chunkBytes`, cut at odd byte boundaries. */
export function streamReply(pieces: readonly string[], shape: StreamShape & { chunkBytes?: number } = {}): Reply {
  const text = sseText(pieces, shape);
  return { kind: 'stream', chunks: shape.chunkBytes === undefined ? [text] : splitBytes(text, shape.chunkBytes) };
}

/** A whole (non-streamed) completion, as servers send when `stream` is false or ignored. */
export function jsonReply(text: string, finishReason = 'stop', usage?: { prompt: number; completion: number }): Reply {
  return {
    kind: 'json',
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason }],
      ...(usage ? { usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion } } : {}),
    },
  };
}
