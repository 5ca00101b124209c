import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseArgs } from 'node:util';
import { defaultAllowList } from '../engine/openai/allow-list.ts';
import { oidcArgOptions, oidcOptionsFromArgs } from './oidc-args.ts';
import { run as serve } from './commands/serve.ts';

const dir = mkdtempSync(join(tmpdir(), 'ns-oidc-args-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const secret = 'a-client-secret-that-must-never-be-echoed';
const secretFile = join(dir, 'oidc-secret');
writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });

const base = ['--oidc-issuer', 'https://idp.hospital.internal/realms/clinic', '--oidc-client-id', 'northstation', '--oidc-redirect-uri', 'https://ns.hospital.internal:8443/api/oidc/callback'];

/** Parses argv as serve does (the OIDC flags only), then builds the options. */
function options(args: string[], context: { clinical?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const { values } = parseArgs({ args, options: oidcArgOptions, strict: true });
  return oidcOptionsFromArgs(values, { clinical: context.clinical ?? true, env: context.env ?? {} });
}

/** Asserts a 'config_invalid' whose message matches `pattern` and never contains the secret. */
function refused(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    const failure = error as { code?: string; message?: string };
    assert.equal(failure.code, 'config_invalid');
    assert.match(failure.message ?? '', pattern);
    assert.ok(!(failure.message ?? '').includes(secret), 'the secret is never echoed');
    return true;
  };
}

test('no OIDC flag: no single sign-on', () => {
  assert.equal(options([]), undefined);
  assert.equal(options([], { clinical: false }), undefined);
});

test('every flag: issuer, client, secret from a file (trailing newline dropped), redirect, role claim, repeatable role map, scope, allow-list', () => {
  const parsed = options([
    ...base,
    '--oidc-client-secret-file', secretFile,
    '--oidc-role-claim', 'groups',
    '--oidc-role', 'ProviderGroup=physician',
    '--oidc-role', 'Ward Nurses=nurse',
    '--oidc-role', 'cn=admins,ou=it=admin',
    '--oidc-scope', 'openid profile  roles',
    '--allow-oidc', 'idp.hospital.internal',
    '--allow-oidc', '10.20.0.0/16',
  ]);
  assert.deepEqual(parsed, {
    issuer: 'https://idp.hospital.internal/realms/clinic',
    clientId: 'northstation',
    clientSecret: secret,
    redirectUri: 'https://ns.hospital.internal:8443/api/oidc/callback',
    roleClaim: 'groups',
    allowedRoles: { ProviderGroup: 'physician', 'Ward Nurses': 'nurse', 'cn=admins,ou=it': 'admin' },
    scope: 'openid profile roles',
    allowList: [...defaultAllowList, 'idp.hospital.internal', '10.20.0.0/16'],
  });
});

test('the secret: the file flag first, then NORTHSTATION_OIDC_CLIENT_SECRET_FILE, then NORTHSTATION_OIDC_CLIENT_SECRET', () => {
  const otherFile = join(dir, 'other-secret');
  writeFileSync(otherFile, 'from-the-env-file');
  const env = { NORTHSTATION_OIDC_CLIENT_SECRET_FILE: otherFile, NORTHSTATION_OIDC_CLIENT_SECRET: 'from-the-env' };
  assert.equal(options([...base, '--oidc-client-secret-file', secretFile], { env })?.clientSecret, secret);
  assert.equal(options(base, { env })?.clientSecret, 'from-the-env-file');
  assert.equal(options(base, { env: { NORTHSTATION_OIDC_CLIENT_SECRET: 'from-the-env' } })?.clientSecret, 'from-the-env');
});

test('a secret on the command line is refused, naming the safe ways, without echoing it', () => {
  assert.throws(() => options([...base, '--oidc-client-secret', secret]), refused(/visible to every local user.*--oidc-client-secret-file/));
  assert.throws(() => options([`--oidc-client-secret=${secret}`]), refused(/--oidc-client-secret is refused/), 'even alone');
});

test('missing or unusable settings are config_invalid naming what to fix', () => {
  assert.throws(() => options(base), refused(/client secret: --oidc-client-secret-file FILE, or NORTHSTATION_OIDC_CLIENT_SECRET_FILE/));
  assert.throws(() => options([...base, '--oidc-client-secret-file', join(dir, 'missing')]), refused(/cannot read the OIDC client secret file \(--oidc-client-secret-file /));
  const empty = join(dir, 'empty');
  writeFileSync(empty, '\n');
  assert.throws(() => options([...base, '--oidc-client-secret-file', empty]), refused(/is empty/));
  const twoLines = join(dir, 'two-lines');
  writeFileSync(twoLines, `${secret}\nsecond line\n`);
  assert.throws(() => options([...base, '--oidc-client-secret-file', twoLines]), refused(/spans several lines/));

  const withSecret = ['--oidc-client-secret-file', secretFile];
  assert.throws(() => options(['--oidc-client-id', 'ns', ...withSecret]), refused(/--oidc-client-id needs --oidc-issuer/));
  assert.throws(() => options([...base, ...withSecret], { clinical: false }), refused(/clinical API: add --clinical-port/));
  assert.throws(() => options(['--oidc-issuer', 'https://idp.example', '--oidc-redirect-uri', 'https://ns/cb', ...withSecret]), refused(/needs --oidc-client-id/));
  assert.throws(() => options(['--oidc-issuer', 'https://idp.example', '--oidc-client-id', 'ns', ...withSecret]), refused(/needs --oidc-redirect-uri/));
  assert.throws(() => options(['--oidc-issuer', 'not a url', '--oidc-client-id', 'ns', '--oidc-redirect-uri', 'https://ns/cb', ...withSecret]), refused(/oidc.issuer is not a URL/));
  assert.throws(() => options([...base, ...withSecret, '--oidc-role', 'ProviderGroup']), refused(/expected PROVIDER-ROLE=LOCAL-ROLE/));
  assert.throws(() => options([...base, ...withSecret, '--oidc-role', 'ProviderGroup=surgeon']), refused(/"surgeon" is not a local role \(nurse, physician, admin, integration\)/));
  assert.throws(() => options([...base, ...withSecret, '--oidc-role', 'G=nurse', '--oidc-role', 'G=physician']), refused(/maps "G" to both nurse and physician/));
  assert.throws(() => options([...base, ...withSecret, '--oidc-scope', 'profile']), refused(/must include "openid"/));
  assert.throws(() => options([...base, ...withSecret, '--allow-oidc', 'not/a/cidr/at/all']), (error: unknown) => (error as { code?: string }).code === 'config_invalid');
});

test('serve refuses bad single sign-on flags before loading any model', async () => {
  await assert.rejects(serve(['--synthetic', '--oidc-client-secret', secret]), refused(/--oidc-client-secret is refused/));
  // --api-only: with --synthetic alone the clinical API is on by default (port --port + 1).
  await assert.rejects(serve(['--synthetic', '--api-only', ...base, '--oidc-client-secret-file', secretFile]), refused(/add --clinical-port/));
});
