/**
 * `northstation serve (--model FILE | --synthetic | --upstream URL …)`:
 * an OpenAI-compatible API (`/v1/models`, `/v1/chat/completions`, `/health`,
 * `/metrics`) over the chosen model, on 127.0.0.1 unless --host says otherwise.
 */
import { parseArgs } from 'node:util';
import { createRedactingLogger } from '../../safety/safe-logger.ts';
import { buildOpenAiApp } from '../../server/app.ts';
import { startServer } from '../../server/listen.ts';
import { conformanceArgOptions, conformanceArgsHelp, enforceConformance } from '../conformance-gate.ts';
import { modelArgOptions, modelArgsHelp, openModelFromArgs, optionalInteger, syntheticBanner } from '../model-args.ts';

const help = `usage: northstation serve (--model FILE | --synthetic | --upstream URL …) [options]

  --host H      interface to listen on (default 127.0.0.1; 0.0.0.0 exposes the API to the network)
  --port P      TCP port (default 8080)
${conformanceArgsHelp}

${modelArgsHelp}`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...modelArgOptions, ...conformanceArgOptions, host: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(help + '\n');
    return 0;
  }
  const port = optionalInteger('--port', values.port) ?? 8080;
  const logger = createRedactingLogger();
  const model = await openModelFromArgs(values, logger);
  const banner = syntheticBanner(model);
  if (banner) process.stderr.write(banner + '\n');
  try {
    await enforceConformance(model, values['override-conformance']);
  } catch (error) {
    await model.dispose();
    throw error;
  }

  const app = buildOpenAiApp({ model, logger });
  const server = await startServer({ app, host: values.host, port, logger });
  process.stderr.write(`Serving "${model.info.id}" at ${server.url}/v1 (OpenAI-compatible). Ctrl-C stops.\n`);
  await new Promise<void>((resolve) => app.server.once('close', resolve));
  return 0;
}
