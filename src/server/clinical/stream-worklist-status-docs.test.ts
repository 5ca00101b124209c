/** POST /api/drafts as Server-Sent Events, GET /api/worklist, GET /api/status and GET /docs. */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { DraftSummary, StoredDraft } from '../../records/repository.ts';
import type { WorkflowRunner } from '../../workflows/runner.ts';
import { call, errorOf, freshHarnesses, scriptedModel, scriptedRunner, seed, transcript, type Harness } from './test-helpers.ts';

const fresh = freshHarnesses();

interface SseEvent {
  event: string;
  data: unknown;
}

function parseSse(body: string): SseEvent[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      assert.ok(event !== undefined && data !== undefined, `not an SSE event: ${block}`);
      return { event, data: JSON.parse(data) as unknown };
    });
}

const sse = { accept: 'text/event-stream' };

// — SSE —

test('POST /api/drafts with Accept: text/event-stream streams progress, then draft-stored with the stored draft', async () => {
  // The scripted model does not stream deltas: this runner adds one before the real run, to show every event type is forwarded.
  const real = scriptedRunner();
  const runner: WorkflowRunner = {
    workflows: real.workflows,
    run: (workflow, input, options = {}) => {
      options.onEvent?.({ type: 'text-delta', delta: '{"chief' });
      return real.run(workflow, input, options);
    },
  };
  const h = await fresh({ runner });
  const { encounterId } = await seed(h, h.ids.nurse);
  const response = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', headers: sse, payload: { encounterId, workflow: 'soap-note', input: { transcript } } });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/event-stream/);
  assert.equal(response.headers['access-control-allow-origin'], undefined);
  const events = parseSse(response.body);
  const names = events.map((event) => event.event);
  assert.ok(names.includes('prefill-progress'), names.join());
  assert.ok(names.includes('text-delta'), names.join());
  assert.ok(names.includes('guard-finding'), names.join());
  assert.deepEqual(events.find((event) => event.event === 'text-delta')?.data, { type: 'text-delta', delta: '{"chief' });
  assert.ok(!names.includes('draft-ready'), 'the unstored draft is not streamed: draft-stored is');
  assert.equal(names.at(-1), 'draft-stored');
  assert.equal(names.filter((name) => name === 'draft-stored').length, 1);
  const stored = events.at(-1)?.data as StoredDraft;
  assert.equal(stored.status, 'draft');
  assert.equal(stored.version, 1);
  assert.equal(stored.createdBy, h.ids.nurse);
  const read = await call(h, 'physician', { method: 'GET', url: `/api/drafts/${stored.id}` });
  assert.equal(read.statusCode, 200);
  assert.deepEqual(read.json<StoredDraft>().aiOutput, stored.aiOutput);
});

test('SSE: a failure after the stream starts is an error event in the error shape; refusals before it are plain JSON errors', async () => {
  const h = await fresh();
  const missing = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', headers: sse, payload: { encounterId: 'no-such-encounter', workflow: 'soap-note', input: { transcript } } });
  assert.equal(missing.statusCode, 200);
  const events = parseSse(missing.body);
  assert.equal(events.at(-1)?.event, 'error');
  assert.equal((events.at(-1)?.data as { error: { code: string } }).error.code, 'not_found');
  assert.deepEqual(Object.keys(events.at(-1)?.data as object), ['error']);

  const { encounterId } = await seed(h, h.ids.nurse);
  const badInput = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', headers: sse, payload: { encounterId, workflow: 'soap-note', input: { nope: 1 } } });
  assert.equal(parseSse(badInput.body).at(-1)?.event, 'error');
  assert.equal((parseSse(badInput.body).at(-1)?.data as { error: { code: string } }).error.code, 'bad_request');

  const forbidden = await call(h, 'admin', { method: 'POST', url: '/api/drafts', headers: sse, payload: { encounterId, workflow: 'soap-note', input: { transcript } } });
  assert.equal(forbidden.statusCode, 403);
  assert.equal(errorOf(forbidden).code, 'forbidden');
  const invalid = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', headers: sse, payload: { encounterId } });
  assert.equal(invalid.statusCode, 400);
  assert.equal(errorOf(invalid).code, 'bad_request');
});

test('SSE: the client disconnecting aborts the workflow and stores nothing', async () => {
  let aborted: (reason: unknown) => void = () => undefined;
  const abortedWith = new Promise<unknown>((resolve) => {
    aborted = resolve;
  });
  const hanging: WorkflowRunner = {
    workflows: ['soap-note'],
    run: (_workflow, _input, options = {}) => {
      options.onEvent?.({ type: 'prefill-progress', stage: 'extract', done: 0, total: 1 });
      return new Promise((_resolve, reject) => {
        options.signal?.addEventListener('abort', () => {
          aborted(options.signal?.reason);
          reject(options.signal?.reason as Error);
        });
      });
    },
  };
  const h = await fresh({ runner: hanging });
  const { encounterId } = await seed(h, h.ids.nurse);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;
  const body = JSON.stringify({ encounterId, workflow: 'soap-note', input: { transcript } });
  const firstChunk = await new Promise<string>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/drafts', headers: { ...sse, 'content-type': 'application/json', authorization: `Bearer ${h.tokens.nurse}` } },
      (res) => {
        res.once('data', (chunk: Buffer) => {
          resolve(chunk.toString('utf8'));
          req.destroy();
        });
      },
    );
    req.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
    req.end(body);
  });
  assert.match(firstChunk, /^event: prefill-progress\ndata: /);
  const reason = await abortedWith;
  assert.equal((reason as { code?: string }).code, 'aborted');
  const drafts = await h.store.listDrafts({ limit: 100 }, { userId: 'system', role: 'admin', client: 'test' });
  assert.equal(drafts.length, 1, 'only the seeded draft');
});

test('POST /api/drafts without Accept: text/event-stream still answers 201 JSON', async () => {
  const h = await fresh();
  const { encounterId } = await seed(h, h.ids.nurse);
  const response = await call(h, 'nurse', { method: 'POST', url: '/api/drafts', headers: { accept: 'application/json' }, payload: { encounterId, workflow: 'soap-note', input: { transcript } } });
  assert.equal(response.statusCode, 201);
  assert.match(String(response.headers['content-type']), /^application\/json/);
});

// — worklist —

test('GET /api/worklist: by state, drafts awaiting review oldest first, summaries only, each list audited', async () => {
  const h = await fresh();
  const first = await seed(h, h.ids.nurse);
  h.clock.now += 1000;
  const second = await seed(h, h.ids.nurse);
  const signed = await seed(h, h.ids.nurse, { signed: true });
  const own = await seed(h, h.ids.integration);

  const drafts = await call(h, 'nurse', { method: 'GET', url: '/api/worklist?state=draft' });
  assert.equal(drafts.statusCode, 200, drafts.body);
  const rows = drafts.json<{ drafts: DraftSummary[] }>().drafts;
  assert.deepEqual(rows.map((row) => row.id), [first.draftId, second.draftId, own.draftId]);
  assert.deepEqual(Object.keys(rows[0] ?? {}).sort(), ['createdAt', 'createdBy', 'encounterId', 'id', 'patientId', 'status', 'version', 'workflow']);
  assert.doesNotMatch(drafts.body, /Thistlewood|cough/i);

  const signedRows = (await call(h, 'physician', { method: 'GET', url: '/api/worklist?state=signed&workflow=soap-note' })).json<{ drafts: DraftSummary[] }>().drafts;
  assert.deepEqual(signedRows.map((row) => [row.id, row.status, row.version]), [[signed.draftId, 'signed', 2]]);
  assert.deepEqual((await call(h, 'nurse', { method: 'GET', url: '/api/worklist?workflow=triage' })).json<{ drafts: unknown[] }>().drafts, []);
  assert.equal((await call(h, 'nurse', { method: 'GET', url: '/api/worklist?limit=2' })).json<{ drafts: unknown[] }>().drafts.length, 2);

  const integration = (await call(h, 'integration', { method: 'GET', url: '/api/worklist' })).json<{ drafts: DraftSummary[] }>().drafts;
  assert.deepEqual(integration.map((row) => row.id), [own.draftId]);

  const audit = (await h.store.listAuditEvents()).filter((event) => event.action === 'worklist.read');
  assert.equal(audit.length, 5);
  assert.deepEqual(audit.map((event) => event.user), [h.ids.nurse, h.ids.physician, h.ids.nurse, h.ids.nurse, h.ids.integration]);
  assert.equal(audit[4]?.resourceId, `state=any&createdBy=${h.ids.integration}`);
  assert.equal((await h.store.verifyAuditChain()).ok, true);
});

test('GET /api/worklist: pages follow next through ?after=, each row once; a forged cursor is 400', async () => {
  const h = await fresh();
  const seeded: string[] = [];
  for (let i = 0; i < 5; i++) seeded.push((await seed(h, h.ids.nurse)).draftId);
  const seen: string[] = [];
  let url = '/api/worklist?state=draft&limit=2';
  for (let page = 0; page < 10; page++) {
    const response = await call(h, 'nurse', { method: 'GET', url });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json<{ drafts: DraftSummary[]; next?: string }>();
    seen.push(...body.drafts.map((row) => row.id));
    if (body.next === undefined) break;
    url = `/api/worklist?state=draft&limit=2&after=${encodeURIComponent(body.next)}`;
  }
  assert.deepEqual(seen, seeded, 'oldest first, every row once, and the walk ends');
  const forged = await call(h, 'nurse', { method: 'GET', url: '/api/worklist?after=bm90LWEtY3Vyc29y' });
  assert.equal(forged.statusCode, 400);
  assert.equal(errorOf(forged).code, 'bad_request');
});

test('GET /api/worklist: a bad query is 400 naming the field; admin is refused', async () => {
  const h = await fresh();
  for (const [url, field] of [['/api/worklist?state=final', 'query.state'], ['/api/worklist?limit=0', 'query.limit'], ['/api/worklist?limit=501', 'query.limit'], ['/api/worklist?x=1', 'query']] as const) {
    const response = await call(h, 'nurse', { method: 'GET', url });
    assert.equal(response.statusCode, 400, url);
    assert.ok(errorOf(response).message.startsWith(field), `${url}: ${errorOf(response).message}`);
  }
  const admin = await call(h, 'admin', { method: 'GET', url: '/api/worklist' });
  assert.equal(admin.statusCode, 403);
  assert.equal((await h.store.listAuditEvents()).filter((event) => event.action === 'worklist.read').length, 0);
});

// — status —

test('GET /api/status describes the model (id, backend, synthetic, capabilities, health) and the workflows', async () => {
  const model = scriptedModel();
  const h = await fresh({ runner: scriptedRunner(100, model), model });
  const response = await call(h, 'admin', { method: 'GET', url: '/api/status' });
  assert.equal(response.statusCode, 200);
  const status = response.json<{ model: { id: string; backend: string; synthetic: boolean; capabilities: object; health: { ready: boolean } }; workflows: string[] }>();
  assert.equal(status.model.id, model.info.id);
  assert.equal(status.model.backend, model.info.backend);
  assert.equal(status.model.synthetic, model.info.synthetic);
  assert.deepEqual(status.model.capabilities, model.capabilities);
  assert.equal(status.model.health.ready, true);
  assert.deepEqual(status.workflows, ['soap-note']);

  const bare = await fresh({ runner: null });
  const bareStatus = (await call(bare, 'nurse', { method: 'GET', url: '/api/status' })).json<{ memory: { processRssBytes: number } }>();
  assert.ok(bareStatus.memory.processRssBytes > 0);
  // Without a model or a serving report, everything beyond the process's own memory is unknown: null, never guessed.
  assert.deepEqual(bareStatus, {
    model: null,
    memory: { processRssBytes: bareStatus.memory.processRssBytes, estimateBytes: null },
    conformance: null,
    limitations: null,
    site: { records: null, imagingListener: null },
    workflows: [],
  });
});

// — docs —

/** The routes Fastify registered, from its route tree (`printRoutes`), HEAD left out. */
function registeredRoutes(h: Harness): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of h.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4; // box-drawing characters are one UTF-16 unit each
    stack.length = depth;
    stack.push(match[2] ?? '');
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD')) routes.push(`${method} ${stack.join('')}`);
  }
  return routes;
}

test('GET /docs: OpenAPI 3.1 without auth, every registered route documented, bodies from the zod schemas', async () => {
  const h = await fresh();
  await h.app.ready();
  const response = await h.app.inject({ method: 'GET', url: '/docs' });
  assert.equal(response.statusCode, 200);
  const doc = response.json<{
    openapi: string;
    paths: Record<string, Record<string, { security?: unknown[]; requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> }; responses: Record<string, unknown> }>>;
    components: { securitySchemes: Record<string, { type: string; scheme: string }>; schemas: Record<string, unknown> };
    security: unknown[];
  }>();
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(doc.components.securitySchemes.bearer, { ...doc.components.securitySchemes.bearer, type: 'http', scheme: 'bearer' });
  assert.deepEqual(doc.security, [{ bearer: [] }]);
  assert.ok(doc.components.schemas.Error);

  const routes = registeredRoutes(h);
  assert.ok(routes.length >= 12, routes.join());
  for (const route of routes) {
    const [method = '', url = ''] = route.split(' ');
    const operation = doc.paths[url.replaceAll(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
    assert.ok(operation, `${route} is not in /docs`);
    assert.ok(operation.responses['4XX'], `${route} documents the error shape`);
  }
  const documented = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replaceAll(/\{(\w+)\}/g, ':$1')}`));
  assert.deepEqual(documented.sort(), [...routes].sort());

  const create = doc.paths['/api/drafts']?.post?.requestBody?.content['application/json']?.schema;
  assert.deepEqual(create?.required?.sort(), ['encounterId', 'input', 'workflow']);
  assert.equal(doc.paths['/api/session']?.post?.security?.length, 0);
  assert.equal(doc.paths['/docs']?.get?.security?.length, 0);
  assert.equal(doc.paths['/api/worklist']?.get?.security, undefined);
});
