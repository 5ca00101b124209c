import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNorthstationError } from '../../core/errors.ts';
import { assertUpstreamAllowed, defaultAllowList, parseAllowList, type LookupAll } from './allow-list.ts';

const defaults = parseAllowList(defaultAllowList);

/** DNS as the tests want it; never the real resolver. */
const fakeDns: Record<string, string[]> = {
  'gpu-01.ward.internal': ['10.20.0.7'],
  'dual.ward.internal': ['10.20.0.8', 'fd12::8'],
  'leaky.ward.internal': ['10.20.0.9', '203.0.113.9'],
  'public.example': ['93.184.216.34'],
  'empty.example': [],
};
const fakeLookup: LookupAll = (hostname) => {
  const addresses = fakeDns[hostname];
  if (addresses === undefined) return Promise.reject(new Error(`getaddrinfo ENOTFOUND ${hostname}`));
  return Promise.resolve(addresses.map((address) => ({ address })));
};

const addressCases: [string, boolean][] = [
  ['127.0.0.1', true],
  ['127.255.255.254', true],
  ['::1', true],
  ['::ffff:127.0.0.1', true],
  ['10.0.0.1', true],
  ['10.255.255.255', true],
  ['172.16.0.1', true],
  ['172.31.255.255', true],
  ['172.32.0.1', false],
  ['172.15.255.255', false],
  ['192.168.1.10', true],
  ['192.169.0.1', false],
  ['fc00::1', true],
  ['fd12:3456::1', true],
  ['fe80::1', false],
  ['169.254.169.254', false], // cloud metadata: link-local is not on the default list
  ['8.8.8.8', false],
  ['::ffff:8.8.8.8', false],
  ['2001:4860:4860::8888', false],
  ['0.0.0.0', false],
  ['not-an-ip', false],
];

for (const [address, allowed] of addressCases) {
  test(`default list ${allowed ? 'allows' : 'refuses'} ${address}`, () => {
    assert.equal(defaults.allowsAddress(address), allowed);
  });
}

const urlCases: [string, boolean][] = [
  ['http://127.0.0.1:8000/v1', true],
  ['http://[::1]:8000/v1', true],
  ['http://localhost:11434/v1', true],
  ['http://LOCALHOST:11434/v1', true],
  ['http://10.1.2.3/v1', true],
  ['https://gpu-01.ward.internal/v1', true],
  ['https://dual.ward.internal/v1', true],
  ['http://[::ffff:127.0.0.1]:8000/v1', true], // the URL parser turns this into ::ffff:7f00:1
  ['http://2130706433:8000/v1', true], // 127.0.0.1 as one number
  ['http://8.8.8.8/v1', false],
  ['http://[::ffff:8.8.8.8]/v1', false],
  ['http://0x08080808/v1', false],
  ['http://[2001:db8::1]/v1', false],
  ['https://leaky.ward.internal/v1', false], // one public address is enough to refuse
  ['https://public.example/v1', false],
  ['https://empty.example/v1', false],
  ['https://unknown.example/v1', false],
];

for (const [url, allowed] of urlCases) {
  test(`default list ${allowed ? 'accepts' : 'refuses'} ${url}`, async () => {
    const check = assertUpstreamAllowed(new URL(url), defaults, fakeLookup);
    if (allowed) await check;
    else await assert.rejects(check, (error) => isNorthstationError(error, 'upstream_refused') && /allowList/.test(error.message));
  });
}

test('the refusal names the host', async () => {
  await assert.rejects(assertUpstreamAllowed(new URL('http://8.8.8.8/v1'), defaults, fakeLookup), /8\.8\.8\.8/);
});

test('a site can allow its own public range, a single address, or a hostname', async () => {
  const list = parseAllowList(['203.0.113.0/24', '198.51.100.7', 'Public.Example', '2001:db8::/32']);
  await assertUpstreamAllowed(new URL('http://203.0.113.200/v1'), list, fakeLookup);
  await assertUpstreamAllowed(new URL('http://198.51.100.7/v1'), list, fakeLookup);
  await assertUpstreamAllowed(new URL('http://[2001:db8::5]/v1'), list, fakeLookup);
  // A listed hostname is trusted as named, whatever it resolves to.
  await assertUpstreamAllowed(new URL('http://public.example/v1'), list, fakeLookup);
  await assert.rejects(assertUpstreamAllowed(new URL('http://198.51.100.8/v1'), list, fakeLookup));
  // A custom list replaces the defaults.
  await assert.rejects(assertUpstreamAllowed(new URL('http://127.0.0.1/v1'), list, fakeLookup));
});

const badEntries = ['10.0.0.0/33', '10.0.0.0/', '::/129', '10.0.0.0/8/1', 'http://host', '*.example', '', 'a b'];
for (const entry of badEntries) {
  test(`allow-list entry ${JSON.stringify(entry)} is a config error`, () => {
    assert.throws(() => parseAllowList([entry]), (error) => isNorthstationError(error, 'config_invalid'));
  });
}
