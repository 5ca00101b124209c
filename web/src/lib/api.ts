/**
 * The one way the UI talks to the server: the clinical HTTP API on the same
 * origin, with the session's bearer token. Errors come back in the API's one
 * shape `{ error: { code, message } }` and are thrown as ApiError so screens
 * can show the server's own explanation.
 */
import { EventStreamParser } from './sse.ts';

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON-encoded unless it is already a Blob (a raw upload). */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * A request that re-enters the password (sign, amend, withdraw): its 401 means "wrong password",
   * not "the session is gone", so it does not send the user back to sign-in.
   */
  reauthentication?: boolean;
  /**
   * Send and keep this site's cookies: only single sign-on's start of a step-up and the exchange of its
   * one-time code, which bind the provider's round trip to this browser with an HttpOnly cookie.
   * Every other request carries the bearer token alone.
   */
  withCookies?: boolean;
}

export interface ApiResponse<T> {
  data: T;
  /** The ETag (a draft's version) when the server sent one. */
  etag: string | null;
}

/** Called when the server says the session is gone (401): the app returns to sign-in. */
let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

let bearer: string | null = null;
export function setBearer(token: string | null): void {
  bearer = token;
}

export async function api<T>(path: string, request: ApiRequest = {}): Promise<ApiResponse<T>> {
  const response = await send(path, request, 'application/json');
  const data = response.status === 204 ? (undefined as T) : ((await response.json()) as T);
  return { data, etag: response.headers.get('etag') };
}

/** The request as the API takes it (bearer token, JSON body or a raw Blob, no caching); a refusal is thrown as ApiError. */
async function send(path: string, request: ApiRequest, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept, ...request.headers };
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  let body: BodyInit | undefined;
  if (request.body instanceof Blob) body = request.body;
  else if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.body);
  }
  const response = await fetch(path, { method: request.method ?? 'GET', headers, body, signal: request.signal ?? null, credentials: request.withCookies === true ? 'same-origin' : 'omit', cache: 'no-store' });
  if (!response.ok) throw await errorOf(response, request.reauthentication === true);
  return response;
}

export async function apiData<T>(path: string, request: ApiRequest = {}): Promise<T> {
  return (await api<T>(path, request)).data;
}

async function errorOf(response: Response, reauthentication = false): Promise<ApiError> {
  let code = 'http_' + String(response.status);
  let message = response.statusText || 'the server refused the request';
  try {
    const parsed = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed.error?.code === 'string') code = parsed.error.code;
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
  } catch {
    // Not the API's error shape (a proxy's page): keep the status line.
  }
  if (response.status === 401 && bearer !== null && !reauthentication) onUnauthorized();
  return new ApiError(response.status, code, message);
}

export type DraftStreamEvent =
  | { type: 'prefill-progress'; stage: string; done: number; total: number }
  | { type: 'text-delta'; delta: string }
  | { type: 'guard-finding'; finding: { rule: string; message: string } };

/**
 * `POST /api/drafts` as an event stream: calls `onProgress` for each progress
 * event and resolves with the stored draft (or rejects with the error event).
 */
export async function streamDraft<T>(body: unknown, onProgress: (event: DraftStreamEvent) => void, signal?: AbortSignal): Promise<T> {
  const response = await send('/api/drafts', { method: 'POST', body, ...(signal === undefined ? {} : { signal }) }, 'text/event-stream');
  if (response.body === null) throw new ApiError(502, 'upstream_unavailable', 'the server answered the event stream without a body');
  const parser = new EventStreamParser();
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  let stored: { draft: T } | undefined;
  // Read to the end even after draft-stored: the server closes the stream right after it, and a
  // body left unread would be cancelled (the browser reports an aborted request).
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const event of parser.push(decoder.decode(value, { stream: true }))) {
      const data = JSON.parse(event.data) as unknown;
      if (event.event === 'draft-stored') stored = { draft: data as T };
      else if (event.event === 'error') {
        const failure = (data as { error?: { code?: string; message?: string } }).error;
        await reader.cancel();
        throw new ApiError(500, failure?.code ?? 'internal', failure?.message ?? 'the workflow failed');
      } else onProgress({ ...(data as object), type: event.event } as DraftStreamEvent);
    }
  }
  if (stored !== undefined) return stored.draft;
  throw new ApiError(502, 'upstream_unavailable', 'the server closed the stream before the draft was stored');
}
