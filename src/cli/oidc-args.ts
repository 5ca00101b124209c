/**
 * `serve`'s single sign-on options for the clinical API (server/clinical/oidc.ts),
 * parsed and checked before any model loads, so a bad one fails in a second.
 *
 * The client secret never comes from the command line (any local user sees
 * argv in `ps`): from `--oidc-client-secret-file FILE`, else the environment
 * (`NORTHSTATION_OIDC_CLIENT_SECRET_FILE`, then `NORTHSTATION_OIDC_CLIENT_SECRET`).
 */
import { readFileSync } from 'node:fs';
import { NorthstationError } from '../core/errors.ts';
import { defaultAllowList } from '../engine/openai/allow-list.ts';
import { isRole, roles, type Role } from '../records/accounts/policy.ts';
import { validateOidcOptions, type OidcOptions } from '../server/clinical/oidc.ts';

export const oidcArgOptions = {
  'oidc-issuer': { type: 'string' },
  'oidc-client-id': { type: 'string' },
  'oidc-client-secret-file': { type: 'string' },
  // Accepted only to refuse it with a reason: a secret in argv is visible to every local user.
  'oidc-client-secret': { type: 'string' },
  'oidc-redirect-uri': { type: 'string' },
  'oidc-role-claim': { type: 'string' },
  'oidc-role': { type: 'string', multiple: true },
  'oidc-scope': { type: 'string' },
  'allow-oidc': { type: 'string', multiple: true },
} as const;

export const oidcArgsHelp = `single sign-on for the clinical API (OpenID Connect; needs --clinical-port):
  --oidc-issuer URL          the identity provider's issuer (discovery at URL/.well-known/openid-configuration)
  --oidc-client-id ID        this server's client id at the provider
  --oidc-client-secret-file FILE
                             a file holding the client secret (else NORTHSTATION_OIDC_CLIENT_SECRET_FILE or
                             NORTHSTATION_OIDC_CLIENT_SECRET; never on the command line)
  --oidc-redirect-uri URL    this server's /api/oidc/callback as registered at the provider
  --oidc-role-claim NAME     the claim listing the user's roles (default: roles)
  --oidc-role NAME=ROLE      map a provider role to a local one (${roles.join(', ')}); repeatable
                             (default: each local role name maps to itself)
  --oidc-scope SCOPES        scopes asked for (default: "openid profile")
  --allow-oidc HOST|CIDR     allow a provider host beyond loopback and private ranges (repeatable)`;

export interface OidcArgValues {
  'oidc-issuer'?: string | undefined;
  'oidc-client-id'?: string | undefined;
  'oidc-client-secret-file'?: string | undefined;
  'oidc-client-secret'?: string | undefined;
  'oidc-redirect-uri'?: string | undefined;
  'oidc-role-claim'?: string | undefined;
  'oidc-role'?: string[] | undefined;
  'oidc-scope'?: string | undefined;
  'allow-oidc'?: string[] | undefined;
}

const secretFileEnv = 'NORTHSTATION_OIDC_CLIENT_SECRET_FILE';
const secretEnv = 'NORTHSTATION_OIDC_CLIENT_SECRET';

/**
 * The OIDC options the flags describe, or undefined when none is given.
 * Any OIDC flag without --oidc-issuer, or any without the clinical API, is
 * 'config_invalid' naming the flag; the result has passed validateOidcOptions.
 */
export function oidcOptionsFromArgs(
  values: OidcArgValues,
  context: { clinical: boolean; env?: NodeJS.ProcessEnv; readFile?: (path: string) => string },
): OidcOptions | undefined {
  if (values['oidc-client-secret'] !== undefined) {
    throw usage(`--oidc-client-secret is refused: the command line is visible to every local user (ps); put the secret in a file and pass --oidc-client-secret-file FILE, or set ${secretFileEnv} or ${secretEnv}`);
  }
  const given = (Object.keys(oidcArgOptions) as (keyof OidcArgValues)[]).filter((name) => values[name] !== undefined);
  if (given.length === 0) return undefined;
  if (values['oidc-issuer'] === undefined) throw usage(`--${given[0] ?? 'oidc-issuer'} needs --oidc-issuer URL (single sign-on is configured by the issuer)`);
  if (!context.clinical) throw usage('single sign-on (--oidc-issuer) is for the clinical API: add --clinical-port P');
  const env = context.env ?? process.env;
  const read = context.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const required = (flag: 'oidc-client-id' | 'oidc-redirect-uri'): string => {
    const value = values[flag];
    if (value === undefined || value.trim() === '') throw usage(`--oidc-issuer needs --${flag}`);
    return value.trim();
  };
  const options: OidcOptions = {
    issuer: values['oidc-issuer'].trim(),
    clientId: required('oidc-client-id'),
    clientSecret: clientSecret(values['oidc-client-secret-file'], env, read),
    redirectUri: required('oidc-redirect-uri'),
    ...(values['oidc-role-claim'] === undefined ? {} : { roleClaim: nonEmpty('--oidc-role-claim', values['oidc-role-claim']) }),
    ...(values['oidc-role'] === undefined ? {} : { allowedRoles: roleMap(values['oidc-role']) }),
    ...(values['oidc-scope'] === undefined ? {} : { scope: scope(values['oidc-scope']) }),
    // Beyond the default (loopback and private ranges), as --allow-upstream is.
    ...(values['allow-oidc'] === undefined ? {} : { allowList: [...defaultAllowList, ...values['allow-oidc']] }),
  };
  validateOidcOptions(options);
  return options;
}

/** The secret from the file flag, else the file named by the environment, else the environment itself; never echoed. */
function clientSecret(file: string | undefined, env: NodeJS.ProcessEnv, read: (path: string) => string): string {
  const fromEnvFile = env[secretFileEnv];
  const path = file ?? (fromEnvFile !== undefined && fromEnvFile !== '' ? fromEnvFile : undefined);
  let secret: string;
  let source: string;
  if (path !== undefined) {
    source = file === undefined ? `${secretFileEnv}=${path}` : `--oidc-client-secret-file ${path}`;
    try {
      secret = read(path);
    } catch (error) {
      throw new NorthstationError('config_invalid', `cannot read the OIDC client secret file (${source})`, { file: path }, { cause: error });
    }
  } else {
    const inline = env[secretEnv];
    if (inline === undefined || inline === '') {
      throw usage(`--oidc-issuer needs the client secret: --oidc-client-secret-file FILE, or ${secretFileEnv} or ${secretEnv} in the environment`);
    }
    source = secretEnv;
    secret = inline;
  }
  // A file usually ends with a newline; the secret itself never has surrounding whitespace.
  secret = secret.trim();
  if (secret === '') throw new NorthstationError('config_invalid', `the OIDC client secret (${source}) is empty`, { field: 'clientSecret' });
  if (/[\r\n]/.test(secret)) throw new NorthstationError('config_invalid', `the OIDC client secret (${source}) spans several lines; it must be one line`, { field: 'clientSecret' });
  return secret;
}

/** `--oidc-role NAME=ROLE`, repeatable: the provider name may contain '=', the local role (after the last '=') may not. */
function roleMap(entries: readonly string[]): Record<string, Role> {
  const map: Record<string, Role> = {};
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    const name = at < 0 ? '' : entry.slice(0, at).trim();
    const role = at < 0 ? '' : entry.slice(at + 1).trim();
    if (name === '' || role === '') throw usage(`--oidc-role ${JSON.stringify(entry)}: expected PROVIDER-ROLE=LOCAL-ROLE, e.g. --oidc-role ProviderGroup=physician`);
    if (!isRole(role)) throw usage(`--oidc-role ${JSON.stringify(entry)}: ${JSON.stringify(role)} is not a local role (${roles.join(', ')})`);
    const earlier = Object.hasOwn(map, name) ? map[name] : undefined;
    if (earlier !== undefined && earlier !== role) throw usage(`--oidc-role maps ${JSON.stringify(name)} to both ${earlier} and ${role}; a provider role maps to one local role`);
    map[name] = role;
  }
  return map;
}

function scope(value: string): string {
  const scopes = nonEmpty('--oidc-scope', value).split(/\s+/);
  if (!scopes.includes('openid')) throw usage('--oidc-scope must include "openid"');
  return scopes.join(' ');
}

function nonEmpty(flag: string, value: string): string {
  if (value.trim() === '') throw usage(`${flag} is empty`);
  return value.trim();
}

function usage(message: string): NorthstationError {
  return new NorthstationError('config_invalid', message);
}
