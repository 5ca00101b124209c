/**
 * Login sessions kept in the records store (issue 6): they survive a restart,
 * work on every gateway on the same database, and carry the user's roles as
 * they are at each request.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../core/log.ts';
import { sqliteFactory } from '../../records/contract/fixture.ts';
import type { RecordsRepository } from '../../records/repository.ts';
import { buildClinicalApp } from './app.ts';
import { call, errorOf, harness, password, seed } from './test-helpers.ts';

/** A gateway: the clinical app over its own connection to the shared database. */
function gateway(t: TestContext, store: RecordsRepository): FastifyInstance {
  const app = buildClinicalApp({ store, logger: createLogger({ level: 'error', write: () => undefined }) });
  t.after(() => app.close());
  return app;
}

test('a session issued by one app instance works on another over the same database (a restart, a second gateway); sign-out reaches both', async (t) => {
  const fixture = await sqliteFactory();
  t.after(() => fixture.cleanup());
  await fixture.store.createUser({ username: 'nina.nurse', roles: ['nurse'], password }, { userId: 'system', role: 'admin' });
  const first = gateway(t, fixture.store);
  const login = await first.inject({ method: 'POST', url: '/api/session', payload: { username: 'nina.nurse', password } });
  assert.equal(login.statusCode, 201);
  const auth = { authorization: `Bearer ${login.json<{ token: string }>().token}` };
  assert.equal((await first.inject({ method: 'GET', url: '/api/status', headers: auth })).statusCode, 200);

  // A restart: the first process is gone; a new one opens the database afresh.
  await first.close();
  const restarted = gateway(t, await fixture.openAnother());
  assert.equal((await restarted.inject({ method: 'GET', url: '/api/status', headers: auth })).statusCode, 200);

  // A second gateway beside it: signing out through one ends the session on both at once.
  const beside = gateway(t, await fixture.openAnother());
  assert.equal((await beside.inject({ method: 'GET', url: '/api/status', headers: auth })).statusCode, 200);
  assert.equal((await beside.inject({ method: 'DELETE', url: '/api/session', headers: auth })).statusCode, 204);
  const after = await restarted.inject({ method: 'GET', url: '/api/status', headers: auth });
  assert.equal(after.statusCode, 401);
  assert.match(errorOf(after).message, /signed out/);
  const events = await fixture.store.listAuditEvents();
  assert.deepEqual(events.filter((e) => e.resourceType === 'session').map((e) => e.action), ['session.open', 'session.revoke']);
  assert.ok(!JSON.stringify(events).includes(auth.authorization.slice('Bearer '.length)), 'the token is in no audit event');
});

test('a physician whose roles change loses the signing permission at the next request, without signing out; regaining it is as quick', async (t) => {
  const h = await harness();
  t.after(() => h.close());
  const sign = async (draftId: string) => call(h, 'physician', { method: 'POST', url: `/api/drafts/${draftId}/sign`, headers: { 'if-match': '"1"' }, payload: { password } });
  const setRoles = (roles: string[]) => h.store.sql.run('UPDATE users SET roles = ? WHERE id = ?', [JSON.stringify(roles), h.ids.physician]);
  const first = await seed(h, h.ids.nurse);
  const second = await seed(h, h.ids.nurse);
  assert.equal((await sign(first.draftId)).statusCode, 200, 'a physician signs');

  // Demoted by an administrator (or the provider's roles synced at a sign-in elsewhere): the same session token.
  await setRoles(['nurse']);
  const refused = await sign(second.draftId);
  assert.equal(refused.statusCode, 403);
  assert.equal(errorOf(refused).code, 'forbidden');
  assert.equal((await call(h, 'physician', { method: 'GET', url: `/api/drafts/${second.draftId}` })).statusCode, 200, 'still signed in, now as a nurse');

  await setRoles(['physician']);
  assert.equal((await sign(second.draftId)).statusCode, 200);
});
