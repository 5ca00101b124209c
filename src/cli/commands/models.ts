/**
 * `northstation models add|list|pull`: the site's vetted model files. `pull`
 * is the one command that connects out (to the Hugging Face hub, or the hub
 * named by --hub / NORTHSTATION_HF_HUB), and says which hosts it contacts.
 */
import { parseArgs } from 'node:util';
import { badRequest } from '../../core/errors.ts';
import { defaultHubUrl } from '../../engine/models/hub-client.ts';
import { pullModel, type PullEvent } from '../../engine/models/pull-model.ts';
import { registerModelFile } from '../../engine/models/register-model-file.ts';
import { openModelRegistry, type RegisteredModel } from '../../engine/models/registry.ts';
import { createProgressLine, formatBytes } from '../progress.ts';

const usage = `usage: northstation models add FILE [--id NAME]
       northstation models list [--json]
       northstation models pull hf:OWNER/REPO:QUANT [--file NAME] [--hub URL] [--id NAME]

  add    vet a GGUF file (header, architecture, tensor data) and record it with its SHA-256
  list   the registered models
  pull   download a GGUF from a Hugging Face repository, verify its SHA-256, vet and record it
           --file NAME  the file to fetch, instead of matching QUANT in file names
           --hub URL    hub to contact (default: NORTHSTATION_HF_HUB or ${defaultHubUrl})
           HF_TOKEN     token for gated repositories (sent to the hub host only)
  --id NAME  registry id (default: the file name without .gguf, lower-cased)

The registry lives in NORTHSTATION_HOME (default ~/.northstation)/models/registry.json.`;

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  switch (action) {
    case 'add':
      return add(rest);
    case 'list':
      return list(rest);
    case 'pull':
      return pull(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage + '\n');
      return action === undefined ? 2 : 0;
    default:
      throw badRequest(`unknown models action "${action}"; use add, list or pull\n\n${usage}`);
  }
}

async function add(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { id: { type: 'string' } } });
  const [path, extra] = positionals;
  if (path === undefined || extra !== undefined) throw badRequest(`models add takes one FILE\n\n${usage}`);
  const progress = createProgressLine({ label: 'sha256' });
  const model = await registerModelFile({
    path,
    ...(values.id !== undefined ? { id: values.id } : {}),
    onHashProgress: (done, total) => progress.update(done, total),
  });
  progress.finish();
  process.stdout.write(`registered ${describe(model)}\n`);
  return 0;
}

async function list(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length > 0) throw badRequest(`models list takes no arguments\n\n${usage}`);
  const registry = openModelRegistry();
  const models = await registry.list();
  if (values.json === true) {
    process.stdout.write(JSON.stringify(models, null, 2) + '\n');
  } else if (models.length === 0) {
    process.stdout.write(`no models registered (${registry.file}); add one with: northstation models add FILE\n`);
  } else {
    process.stdout.write(models.map(describe).join('\n') + '\n');
  }
  return 0;
}

async function pull(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { file: { type: 'string' }, hub: { type: 'string' }, id: { type: 'string' } },
  });
  const [spec, extra] = positionals;
  if (spec === undefined || extra !== undefined) throw badRequest(`models pull takes one hf:OWNER/REPO:QUANT\n\n${usage}`);
  const model = await pullModel({
    spec,
    ...(values.file !== undefined ? { file: values.file } : {}),
    ...(values.hub !== undefined ? { hub: values.hub } : {}),
    ...(values.id !== undefined ? { id: values.id } : {}),
    onEvent: pullReporter(),
  });
  process.stdout.write(`registered ${describe(model)}\n`);
  return 0;
}

function pullReporter(): (event: PullEvent) => void {
  const download = createProgressLine({ label: 'download' });
  const hashing = createProgressLine({ label: 'sha256' });
  const say = (line: string): void => void process.stderr.write(`northstation: ${line}\n`);
  return (event) => {
    switch (event.type) {
      case 'contacting':
        say(`contacting ${event.host} (${event.origin})`);
        break;
      case 'resolved':
        say(`${event.repo}: ${event.file}${event.sizeBytes === undefined ? '' : `, ${formatBytes(event.sizeBytes)}`} → ${event.destination}`);
        break;
      case 'already-downloaded':
        say(`${event.path} is already here; checking it`);
        break;
      case 'hashing':
        hashing.update(event.hashedBytes, event.totalBytes);
        break;
      case 'download-started':
        if (event.resumeFromBytes > 0) say(`resuming at ${formatBytes(event.resumeFromBytes)}`);
        break;
      case 'download-progress':
        download.update(event.receivedBytes, event.totalBytes, event.bytesPerSecond);
        break;
      case 'download-retry':
        download.finish();
        say(`attempt ${event.attempt} after: ${event.reason}`);
        break;
      case 'download-restarted':
        download.finish();
        say(`starting over: ${event.reason}`);
        break;
      case 'download-verified':
        download.finish();
        say(`sha256 verified: ${event.sha256}`);
        break;
      default:
        event satisfies never;
    }
  };
}

function describe(model: RegisteredModel): string {
  const flags = model.synthetic ? '  SYNTHETIC (random weights, not a medical model)' : '';
  return `${model.id}  ${model.architecture} ${model.quantisation}  ${formatBytes(model.sizeBytes)}  sha256 ${model.sha256.slice(0, 16)}…  ${model.path}${flags}`;
}
