/**
 * The records contract for single sign-on logins in progress (oidc.ts, between
 * `/api/oidc/login` and the provider's callback): what every backend must do,
 * run by sqlite-store.test.ts and postgres-store.int.test.ts. They live in the
 * database so that the callback may reach any gateway; that only holds if a
 * login is taken once across gateways, expires, is bounded, and keeps its
 * secrets out of a database reader's sight.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { isNorthstationError } from '../../core/errors.ts';
import { generateDataKey } from '../field-cipher.ts';
import { oidcStateHash } from '../oidc-logins.ts';
import type { NewOidcLogin } from '../repository.ts';
import { rotateKey } from '../sqlite-store.ts';
import type { StoreFactory, StoreFixture, StoreSettings } from './fixture.ts';

const minute = 60 * 1000;
const random = (): string => randomBytes(32).toString('base64url');

function newLogin(extra: Partial<NewOidcLogin> = {}): NewOidcLogin {
  return { state: random(), verifier: random(), nonce: random(), browserBinding: random(), ttlMs: 10 * minute, maxPending: 100, ...extra };
}

export function oidcLoginsContract(factory: StoreFactory): void {
  async function fresh(t: TestContext, settings?: StoreSettings): Promise<StoreFixture> {
    const fixture = await factory(settings);
    t.after(() => fixture.cleanup());
    return fixture;
  }

  void test('oidc logins: saved through one store, taken through another, exactly once', async (t) => {
    const fixture = await fresh(t);
    const login = newLogin();
    await fixture.store.saveOidcLogin(login);
    const other = await fixture.openAnother();
    assert.equal(await other.countOidcLogins(), 1);
    const taken = await other.takeOidcLogin(login.state);
    assert.deepEqual(
      taken === undefined ? undefined : { verifier: taken.verifier, nonce: taken.nonce, browserBinding: taken.browserBinding, stepUp: taken.stepUp },
      { verifier: login.verifier, nonce: login.nonce, browserBinding: login.browserBinding, stepUp: undefined },
    );
    assert.equal(await fixture.store.takeOidcLogin(login.state), undefined, 'a second take, through either store, finds nothing');
    assert.equal(await other.takeOidcLogin(login.state), undefined);
    assert.equal(await fixture.store.countOidcLogins(), 0);
    assert.equal(await other.takeOidcLogin(random()), undefined, 'an unknown state finds nothing');
  });

  void test('oidc logins: two stores taking one login at once: one gets it', async (t) => {
    const fixture = await fresh(t);
    const stores = [fixture.store, await fixture.openAnother(), await fixture.openAnother()];
    for (let round = 0; round < 5; round += 1) {
      const login = newLogin();
      await fixture.store.saveOidcLogin(login);
      const results = await Promise.all(stores.map((store) => store.takeOidcLogin(login.state)));
      assert.equal(results.filter((result) => result !== undefined).length, 1, `round ${round}`);
    }
  });

  void test('oidc logins: a step-up keeps its session and purpose', async (t) => {
    const { store } = await fresh(t);
    const stepUp = { sessionId: 'a-session-id', sessionTokenHash: 'ab'.repeat(32), purpose: 'sign', startedAt: Date.parse('2026-01-01T08:00:00Z') };
    const login = newLogin({ stepUp });
    await store.saveOidcLogin(login);
    assert.deepEqual((await store.takeOidcLogin(login.state))?.stepUp, stepUp);
  });

  void test('oidc logins: expiry follows the store clock; expired ones are not taken, nor counted, and are swept', async (t) => {
    const clock = { now: Date.parse('2026-01-01T08:00:00Z') };
    const fixture = await fresh(t, { now: () => new Date(clock.now) });
    const { store } = fixture;
    const early = newLogin({ ttlMs: minute });
    const late = newLogin({ ttlMs: 3 * minute });
    const saved = await store.saveOidcLogin(early);
    assert.equal(saved.expiresAt, new Date(clock.now + minute).toISOString());
    await store.saveOidcLogin(late);
    clock.now += minute;
    assert.equal(await store.countOidcLogins(), 1, 'at its expiry instant a login is over');
    assert.equal(await store.takeOidcLogin(early.state), undefined);
    clock.now += minute;
    const another = newLogin();
    const expiring = newLogin({ ttlMs: minute });
    await store.saveOidcLogin(expiring);
    clock.now += minute;
    // Saving a new login sweeps expired rows: `expiring` and `late` are gone from the table, not just hidden.
    await store.saveOidcLogin(another);
    const rows = await store.sql.all('SELECT state_hash FROM oidc_logins');
    assert.deepEqual(rows.map((row) => row.state_hash), [oidcStateHash(another.state)]);
    assert.equal(await store.takeOidcLogin(late.state), undefined);
    assert.equal((await store.takeOidcLogin(another.state))?.nonce, another.nonce);
  });

  void test('oidc logins: past maxPending live logins a new one is refused as overloaded; expired ones do not count', async (t) => {
    const clock = { now: Date.parse('2026-01-01T08:00:00Z') };
    const { store } = await fresh(t, { now: () => new Date(clock.now) });
    const first = newLogin({ maxPending: 2, ttlMs: minute });
    await store.saveOidcLogin(first);
    await store.saveOidcLogin(newLogin({ maxPending: 2 }));
    const refused = newLogin({ maxPending: 2 });
    await assert.rejects(store.saveOidcLogin(refused), (error: unknown) => isNorthstationError(error, 'overloaded'));
    assert.equal(await store.countOidcLogins(), 2, 'the refused one was not kept');
    assert.equal(await store.takeOidcLogin(refused.state), undefined);
    // Taking one frees a place at once.
    await store.takeOidcLogin(first.state);
    await store.saveOidcLogin(newLogin({ maxPending: 2, ttlMs: minute }));
    await assert.rejects(store.saveOidcLogin(newLogin({ maxPending: 2 })), (error: unknown) => isNorthstationError(error, 'overloaded'));
    // So does expiry.
    clock.now += minute;
    await store.saveOidcLogin(newLogin({ maxPending: 2 }));
    assert.equal(await store.countOidcLogins(), 2);
  });

  void test('oidc logins: neither the state nor the verifier, nonce or binding is stored in clear', async (t) => {
    const { store } = await fresh(t);
    const stepUp = { sessionId: 'session-id-in-clear?', sessionTokenHash: 'cd'.repeat(32), purpose: 'amend', startedAt: 1 };
    const login = newLogin({ stepUp });
    await store.saveOidcLogin(login);
    const rows = await store.sql.all('SELECT * FROM oidc_logins');
    const dump = JSON.stringify(rows);
    const [row] = rows;
    assert.ok(rows.length === 1 && row !== undefined);
    assert.equal(row.state_hash, oidcStateHash(login.state), 'keyed by the hash (so the next checks are not vacuous)');
    for (const secret of [login.state, login.verifier, login.nonce, login.browserBinding, stepUp.sessionId, stepUp.sessionTokenHash]) {
      assert.ok(!dump.includes(secret), 'nothing of the login is in clear');
    }
    for (const column of ['verifier', 'nonce', 'browser_binding', 'step_up']) assert.match(String(row[column]), /^nsenc2:/, column);
  });

  void test('oidc logins: a secret copied into another row fails instead of decrypting', async (t) => {
    const { store } = await fresh(t);
    const a = newLogin();
    const b = newLogin();
    await store.saveOidcLogin(a);
    await store.saveOidcLogin(b);
    await store.sql.run('UPDATE oidc_logins SET verifier = (SELECT verifier FROM oidc_logins WHERE state_hash = ?) WHERE state_hash = ?', [oidcStateHash(a.state), oidcStateHash(b.state)]);
    await assert.rejects(store.takeOidcLogin(b.state));
  });

  void test('oidc logins: key rotation rewraps logins in progress', async (t) => {
    const fixture = await fresh(t);
    const login = newLogin({ stepUp: { sessionId: 's', sessionTokenHash: 'ef'.repeat(32), purpose: 'withdraw', startedAt: 2 } });
    await fixture.store.saveOidcLogin(login);
    const newKey = generateDataKey();
    await rotateKey(fixture.store, newKey);
    const reopened = await fixture.openAnother({ key: newKey });
    const taken = await reopened.takeOidcLogin(login.state);
    assert.equal(taken?.verifier, login.verifier);
    assert.equal(taken.stepUp?.purpose, 'withdraw');
  });
}
