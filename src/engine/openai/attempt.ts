/**
 * One chat-completions request to one upstream: send, enforce the timeouts
 * (connect, first token, idle, total), read a streamed or whole reply, and
 * turn whatever went wrong into an AttemptFailure (attempt-failure.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { NorthstationError } from '../../core/errors.ts';
import type { FinishReason } from '../chat-model.ts';
import {
  AttemptFailure,
  abortedError,
  asFailure,
  connectionFailure,
  garbage,
  httpFailure,
  parseRetryAfter,
  timeoutFailure,
  upstreamError,
} from './attempt-failure.ts';
import { SseParser, type SseEvent } from './sse.ts';
import { completionShape, errorBodyShape, mapFinishReason, safeErrorCode, streamChunkShape, type WireUsage } from './wire.ts';

export interface AttemptRequest {
  url: URL;
  /** `host:port`, for messages. */
  host: string;
  body: string;
  apiKey: string | undefined;
  stream: boolean;
  agent: http.Agent;
  lookup: LookupFunction;
  connectTimeoutMs: number;
  firstTokenTimeoutMs: number;
  idleTimeoutMs: number;
  /** performance.now() value after which the whole call has run out of time. */
  deadline: number;
  signal: AbortSignal | undefined;
  onContent: (delta: string) => void;
}

export interface AttemptOutcome {
  text: string;
  finishReason: FinishReason;
  usage: WireUsage | undefined;
  /** Stream chunks that carried text; the token count when the server sends no usage. */
  contentChunks: number;
  /** performance.now() at the first text; undefined when there was none or the reply came whole. */
  firstTokenAt: number | undefined;
}


const maxJsonBytes = 16 * 1024 * 1024;
const maxErrorBodyBytes = 64 * 1024;

export function runAttempt(request: AttemptRequest): Promise<AttemptOutcome> {
  return new Promise((resolve, reject) => {
    const { host, signal } = request;
    if (signal?.aborted === true) {
      reject(new AttemptFailure(abortedError(), { retryable: false, upstreamFault: false }));
      return;
    }
    let settled = false;
    let phaseTimer: NodeJS.Timeout | undefined;
    const totalTimer = setTimeout(() => {
      fail(timeoutFailure(host, 'the total timeout ran out'));
    }, Math.max(0, request.deadline - performance.now()));
    const onAbort = (): void => {
      fail(new AttemptFailure(abortedError(), { retryable: false, upstreamFault: false }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const finishWith = (): void => {
      settled = true;
      clearTimeout(phaseTimer);
      clearTimeout(totalTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (failure: AttemptFailure): void => {
      if (settled) return;
      finishWith();
      // Destroying the request closes the socket, which frees the upstream's slot.
      req.destroy();
      reject(failure);
    };
    const succeed = (outcome: AttemptOutcome): void => {
      if (settled) return;
      finishWith();
      resolve(outcome);
    };
    const arm = (ms: number, what: string): void => {
      clearTimeout(phaseTimer);
      phaseTimer = setTimeout(() => {
        fail(timeoutFailure(host, `no ${what} within ${ms} ms`));
      }, ms);
    };

    const transport = request.url.protocol === 'https:' ? https : http;
    const req = transport.request(request.url, {
      method: 'POST',
      agent: request.agent,
      lookup: request.lookup,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(request.body),
        accept: request.stream ? 'text/event-stream' : 'application/json',
        ...(request.apiKey === undefined ? {} : { authorization: `Bearer ${request.apiKey}` }),
      },
    });
    arm(request.connectTimeoutMs, 'connection');
    req.on('socket', (socket) => {
      // A kept-alive socket is already connected.
      if (!socket.connecting) arm(request.firstTokenTimeoutMs, 'first token');
      else socket.once('connect', () => { arm(request.firstTokenTimeoutMs, 'first token'); });
    });
    req.on('error', (error) => {
      fail(connectionFailure(host, error));
    });
    req.on('response', (res) => {
      const reader: ReplyReader = { host, fail, succeed, arm, onContent: request.onContent, idleTimeoutMs: request.idleTimeoutMs };
      const status = res.statusCode ?? 0;
      const contentType = (res.headers['content-type'] ?? '').toLowerCase();
      if (status < 200 || status > 299) readErrorReply(res, reader);
      else if (contentType.includes('text/event-stream')) readStream(res, reader);
      else if (contentType.includes('application/json')) readWhole(res, reader);
      else {
        res.resume();
        fail(garbage(host, `answered with content type ${JSON.stringify(contentType || 'none')} instead of JSON or an event stream`));
      }
    });
    req.end(request.body);
  });
}

interface ReplyReader {
  host: string;
  fail: (failure: AttemptFailure) => void;
  succeed: (outcome: AttemptOutcome) => void;
  arm: (ms: number, what: string) => void;
  onContent: (delta: string) => void;
  idleTimeoutMs: number;
}

function readStream(res: http.IncomingMessage, reader: ReplyReader): void {
  const { host, fail } = reader;
  const parser = new SseParser(host);
  const state = { text: '', finish: undefined as string | undefined, done: false, usage: undefined as WireUsage | undefined, chunks: 0, firstTokenAt: undefined as number | undefined };
  let ended = false;

  const handle = (event: SseEvent): void => {
    if (state.done) return;
    if (event.data.trim() === '[DONE]') {
      state.done = true;
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(event.data);
    } catch {
      throw garbage(host, 'sent a stream event that is not JSON');
    }
    const chunk = streamChunkShape.safeParse(payload);
    if (!chunk.success) throw garbage(host, 'sent a stream event that is not a chat-completion chunk');
    if ('error' in chunk.data || event.event === 'error') {
      const code = 'error' in chunk.data ? safeErrorCode(chunk.data) : undefined;
      throw new AttemptFailure(upstreamError(host, `reported an error mid-stream${code ? ` (${code})` : ''}`), { retryable: true, upstreamFault: true });
    }
    const choice = chunk.data.choices[0];
    const content = choice?.delta?.content;
    if (content) {
      state.text += content;
      state.chunks += 1;
      if (state.firstTokenAt === undefined) {
        state.firstTokenAt = performance.now();
        reader.arm(reader.idleTimeoutMs, 'stream data');
      }
      deliver(reader, content);
    }
    if (choice?.finish_reason) state.finish = choice.finish_reason;
    if (chunk.data.usage) state.usage = chunk.data.usage;
  };
  const handleAll = (events: SseEvent[]): boolean => {
    try {
      for (const event of events) handle(event);
      return true;
    } catch (error) {
      fail(asFailure(error));
      return false;
    }
  };

  res.on('data', (bytes: Buffer) => {
    if (state.firstTokenAt !== undefined) reader.arm(reader.idleTimeoutMs, 'stream data');
    let events: SseEvent[];
    try {
      events = parser.push(bytes);
    } catch (error) {
      fail(asFailure(error));
      return;
    }
    handleAll(events);
  });
  res.on('end', () => {
    ended = true;
    if (!handleAll(parser.end())) return;
    if (!state.done && state.finish === undefined) {
      fail(garbage(host, 'ended the stream before the reply was finished'));
      return;
    }
    // A server that sends [DONE] but no finish reason stopped normally.
    const finishReason = finishOrFail(host, state.finish ?? 'stop', reader);
    if (finishReason) {
      reader.succeed({ text: state.text, finishReason, usage: state.usage, contentChunks: state.chunks, firstTokenAt: state.firstTokenAt });
    }
  });
  res.on('close', () => {
    if (!ended) fail(garbage(host, 'closed the connection mid-stream'));
  });
  res.on('error', () => {
    fail(garbage(host, 'closed the connection mid-stream'));
  });
}

function readWhole(res: http.IncomingMessage, reader: ReplyReader): void {
  const { host, fail } = reader;
  readBody(res, maxJsonBytes, reader, (text) => {
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      fail(garbage(host, 'answered with a body that is not JSON'));
      return;
    }
    const reply = completionShape.safeParse(payload);
    if (!reply.success) {
      fail(garbage(host, 'answered with JSON that is not a chat completion'));
      return;
    }
    if ('error' in reply.data) {
      const code = safeErrorCode(reply.data);
      fail(new AttemptFailure(upstreamError(host, `reported an error${code ? ` (${code})` : ''}`), { retryable: true, upstreamFault: true }));
      return;
    }
    const [choice] = reply.data.choices;
    const content = choice?.message.content;
    if (typeof content !== 'string') {
      fail(garbage(host, 'answered with a completion that has no text'));
      return;
    }
    const finishReason = finishOrFail(host, choice?.finish_reason ?? 'stop', reader);
    if (!finishReason) return;
    try {
      if (content !== '') deliver(reader, content);
    } catch (error) {
      fail(asFailure(error));
      return;
    }
    reader.succeed({ text: content, finishReason, usage: reply.data.usage ?? undefined, contentChunks: content === '' ? 0 : 1, firstTokenAt: undefined });
  });
}

function readErrorReply(res: http.IncomingMessage, reader: ReplyReader): void {
  const status = res.statusCode ?? 0;
  const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
  readBody(res, maxErrorBodyBytes, reader, (text) => {
    let code: string | undefined;
    try {
      const body = errorBodyShape.safeParse(JSON.parse(text));
      if (body.success) code = safeErrorCode(body.data);
    } catch {
      // HTML error pages and plain text say nothing we may repeat.
    }
    reader.fail(httpFailure(reader.host, status, code, retryAfterMs));
  }, true);
}

function readBody(res: http.IncomingMessage, limit: number, reader: ReplyReader, done: (text: string) => void, truncate = false): void {
  const parts: Buffer[] = [];
  let size = 0;
  let ended = false;
  res.on('data', (bytes: Buffer) => {
    if (size >= limit) return;
    size += bytes.length;
    parts.push(bytes);
    if (size >= limit && !truncate) reader.fail(garbage(reader.host, `answered with more than ${limit} bytes`));
  });
  res.on('end', () => {
    ended = true;
    done(Buffer.concat(parts).toString('utf8'));
  });
  res.on('close', () => {
    if (!ended) reader.fail(garbage(reader.host, 'closed the connection before the reply was complete'));
  });
  res.on('error', () => undefined); // 'close' reports it
}

function deliver(reader: ReplyReader, content: string): void {
  try {
    reader.onContent(content);
  } catch (error) {
    // The caller's own callback failed: not the upstream's fault, not worth a retry.
    const cause = error instanceof NorthstationError ? error : new NorthstationError('internal', 'onTextDelta threw', {}, { cause: error });
    throw new AttemptFailure(cause, { retryable: false, upstreamFault: false });
  }
}

function finishOrFail(host: string, reason: string, reader: ReplyReader): FinishReason | undefined {
  const mapped = mapFinishReason(reason);
  if (mapped) return mapped;
  const safe = /^[\w.-]{1,64}$/.test(reason) ? reason : 'unrecognised';
  reader.fail(new AttemptFailure(upstreamError(host, `finished for a reason Northstation does not handle (${safe})`), { retryable: false, upstreamFault: false }));
  return undefined;
}
