/**
 * The web UI (web/, built by Vite into web/dist) served by the clinical app,
 * same-origin with the API it calls:
 *
 * - `GET /`          index.html (no-cache: it names the current hashed bundles)
 * - `GET /*`         /assets/…: Vite's content-hashed bundles (cached for a
 *                    year, immutable); other files the build holds (favicon…,
 *                    no-cache), else
 *                    index.html for the UI's own client-side routes (the SPA
 *                    fallback); never for /api, /fhir or /docs, which answer
 *                    as the API's unknown routes do (401 without an
 *                    Authorization header, else 404, in the one error
 *                    shape), and never for a path that names
 *                    a file (has an extension) the build does not hold;
 *                    /favicon.ico the build lacks is 204 (browsers ask for it unasked).
 *
 * Only plain files inside the web root are sent: the path is resolved and
 * must stay inside the root (no `..`, no symbolic link out of it), and dot
 * files (the build stamp `.build-hash`) are not served. The files are static
 * and public (no PHI; the UI fetches everything else from the API with a
 * bearer token), so these routes need no authentication (openapi.ts: auth false).
 *
 * Every answer from these routes, errors included, carries the security
 * headers below: a Content-Security-Policy allowing only same-origin scripts,
 * styles and connections (the build has no inline script or style), no
 * framing, no MIME sniffing, no referrer.
 *
 * When the web root holds no index.html (the UI was never built) the routes
 * answer 404 'not_found' saying how to build it; `serve` builds it on start
 * (src/cli/web-build.ts).
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { NorthstationError, notFound } from '../../core/errors.ts';

export interface WebUiOptions {
  /** The built UI: a folder holding index.html and assets/. Default: `defaultWebRoot()`. */
  root?: string;
}

/** The repository's web/dist, or NORTHSTATION_WEB_ROOT when set (a UI built elsewhere; tests use a fixture). */
export function defaultWebRoot(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.NORTHSTATION_WEB_ROOT;
  return configured !== undefined && configured !== '' ? resolve(configured) : fileURLToPath(new URL('../../../web/dist', import.meta.url));
}

export const webUiSecurityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Cache-Control for Vite's content-hashed bundles: a new build has new names. */
export const immutableCaching = 'public, max-age=31536000, immutable';
/** Cache-Control for index.html and the other unhashed files: revalidate every time. */
export const revalidateCaching = 'no-cache';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** The Content-Type a file of this name is sent with. */
export function contentTypeOf(path: string): string {
  return contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Path prefixes that belong to the API: never answered with the UI. */
const apiPrefixes = ['api', 'fhir', 'docs'];

const notBuiltMessage = 'the web UI is not built: `./northstation serve --synthetic` builds it, or run `node node_modules/vite/bin/vite.js build web`';

/**
 * The absolute path of `relative` inside `root` when it names a plain file
 * there (after resolving symbolic links), else undefined. Refuses `..`
 * segments, NUL bytes, backslashes and dot files outright.
 */
export async function resolveStaticFile(root: string, relative: string): Promise<string | undefined> {
  if (relative.includes('\0') || relative.includes('\\')) return undefined;
  const segments = relative.split('/').filter((segment) => segment !== '');
  if (segments.length === 0 || segments.some((segment) => segment.startsWith('.'))) return undefined;
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return undefined;
  }
  const candidate = resolve(realRoot, ...segments);
  if (!candidate.startsWith(realRoot + sep)) return undefined;
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(realRoot + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

/** The Fastify plugin: register it on the clinical app (`app.register(webUi, { root })`). */
export function webUi(app: FastifyInstance, options: WebUiOptions): Promise<void> {
  const root = options.root ?? defaultWebRoot();

  // Every answer of these routes, errors included (the hook runs in this plugin's scope only).
  app.addHook('onSend', async (_request, reply) => {
    void reply.headers(webUiSecurityHeaders);
  });

  const sendFile = async (reply: FastifyReply, path: string, caching: string): Promise<FastifyReply> => {
    const body = await readFile(path);
    return reply.header('cache-control', caching).type(contentTypeOf(path)).send(body);
  };

  const sendIndex = async (reply: FastifyReply): Promise<FastifyReply> => {
    const index = await resolveStaticFile(root, 'index.html');
    if (index === undefined) throw notFound(notBuiltMessage);
    return sendFile(reply, index, revalidateCaching);
  };

  // HEAD (curl -I) comes with each GET, public as the GET is (the app's authentication hook reads HEAD as GET).
  app.get('/', (_request, reply) => sendIndex(reply));

  app.get('/*', async (request, reply) => {
    const relative = (request.params as { '*'?: string })['*'] ?? '';
    const first = relative.split('/')[0] ?? '';
    if (apiPrefixes.includes(first)) {
      // As for any unknown route of the API: without credentials 401 (the API's routes are not public), with them 404.
      if (request.headers.authorization === undefined) throw new NorthstationError('unauthorized', 'sign in first: send Authorization: Bearer <token>');
      throw notFound('no such route in the clinical API');
    }
    const file = await resolveStaticFile(root, relative);
    if (file !== undefined) return sendFile(reply, file, first === 'assets' ? immutableCaching : revalidateCaching);
    // Browsers ask for /favicon.ico on their own: without one in the build, an empty answer (a 404 would be a console error).
    if (relative === 'favicon.ico') return reply.code(204).header('cache-control', revalidateCaching).send();
    // A missing file (a stale bundle name, a mistyped path) is a 404, not the UI's HTML.
    const last = relative.split('/').at(-1) ?? '';
    if (extname(last) !== '') throw notFound((await resolveStaticFile(root, 'index.html')) === undefined ? notBuiltMessage : 'no such file in the web UI');
    return sendIndex(reply);
  });

  return Promise.resolve();
}
