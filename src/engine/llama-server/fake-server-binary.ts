/**
 * A fake llama-server for the supervisor's unit tests: a Node script that
 * answers `--version` and `--help`, serves `/health` (503 while "loading")
 * and a key-checked `/v1/models` on the port it is given, and prints lines
 * containing a marker standing in for patient data, so tests can check that
 * none reaches the logs. FAKE_LLAMA_MODE picks a misbehaviour. Test code only.
 */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Text the fake prints as if it were a prompt; must never appear in our logs. */
export const patientMarker = 'PATIENT-JANE-DOE-1957';

export type FakeMode =
  /** Serves normally. */
  | 'ok'
  /** Prints a load error and exits 1 at once, like a bad model file. */
  | 'die'
  /** Serves but accepts requests without the key, like a binary that ignores LLAMA_API_KEY. */
  | 'no-auth'
  /** Serves but ignores SIGTERM, so close() must SIGKILL it. */
  | 'ignore-term';

const script = String.raw`
const http = require('node:http');
const fs = require('node:fs');
const args = process.argv.slice(2);
const marker = ${JSON.stringify(patientMarker)};
if (args.includes('--version')) { console.error('version: 1 (fake)\nbuilt with node'); process.exit(0); }
if (args.includes('--help')) { console.log('--host HOST  --port PORT  -m FILE  --no-webui  --offline  --log-colors [on|off|auto]'); process.exit(0); }
const mode = process.env.FAKE_LLAMA_MODE || 'ok';
if (process.env.FAKE_LLAMA_RECORD) {
  fs.appendFileSync(process.env.FAKE_LLAMA_RECORD, JSON.stringify({ pid: process.pid, args, hasKey: Boolean(process.env.LLAMA_API_KEY), stray: process.env.LLAMA_ARG_HOST ?? null }) + '\n');
}
const port = Number(args[args.indexOf('--port') + 1]);
const key = process.env.LLAMA_API_KEY;
console.error("srv  load_model: loading model '" + args[args.indexOf('-m') + 1] + "'");
if (mode === 'die') { console.error('llama_model_load: error loading model: invalid magic'); process.exit(1); }
if (mode === 'ignore-term') process.on('SIGTERM', () => {});
const readyAt = Date.now() + 200;
http.createServer((req, res) => {
  if (req.url === '/health') { res.writeHead(Date.now() < readyAt ? 503 : 200); res.end('{}'); return; }
  console.error('srv  log_server_r: request: {"messages":[{"content":"' + marker + '"}]}');
  console.error('srv  send_error: task id = 1, error: could not parse ' + marker);
  if (mode !== 'no-auth' && req.headers.authorization !== 'Bearer ' + key) { res.writeHead(401); res.end('{}'); return; }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake' }] }));
}).listen(port, '127.0.0.1', () => {
  setTimeout(() => console.error('srv  main: model loaded'), 150);
  console.error('main: server is listening on http://127.0.0.1:' + port);
});
`;

/** Writes the fake into a fresh temp directory and returns its path. */
export async function writeFakeServerBinary(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'northstation-fake-llama-'));
  const path = join(dir, 'llama-server');
  await writeFile(path, `#!${process.execPath}\n${script}`);
  await chmod(path, 0o755);
  return path;
}
