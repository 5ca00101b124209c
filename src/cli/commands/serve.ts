/**
 * `northstation serve (--model FILE | --synthetic | --upstream URL …)`:
 * an OpenAI-compatible API (`/v1/models`, `/v1/chat/completions`, `/health`,
 * `/metrics`) over the chosen model, on 127.0.0.1 unless --host says otherwise.
 */
import { parseArgs } from 'node:util';
import { createRedactingLogger } from '../../safety/safe-logger.ts';
import { buildOpenAiApp } from '../../server/app.ts';
import { startServer } from '../../server/listen.ts';
import { buildClinicalApp } from '../../server/clinical/app.ts';
import { loadDataKey } from '../../records/field-cipher.ts';
import { openRecordsStore } from '../../records/open-store.ts';
import { NorthstationError } from '../../core/errors.ts';
import { dataHome } from '../../core/data-home.ts';
import { startDicomStorage } from '../../server/dicom-storage.ts';
import { join } from 'node:path';
import { conformanceArgOptions, conformanceArgsHelp } from '../conformance-gate.ts';
import { modelArgOptions, modelArgsHelp, optionalInteger } from '../model-args.ts';
import { oidcArgOptions, oidcArgsHelp, oidcOptionsFromArgs } from '../oidc-args.ts';
import { recordsArgOptions, recordsArgsHelp, recordsLocationFromArgs } from '../records-args.ts';
import { openServingModel, workflowRunnerFor } from '../serving-model.ts';

const help = `usage: northstation serve (--model FILE | --synthetic | --upstream URL …) [options]

  --host H      interface to listen on (default 127.0.0.1; 0.0.0.0 exposes the API to the network)
  --port P      TCP port (default 8080)
  --clinical-port P
                also serve the clinical API (accounts, drafts, sign-off, audit; OpenAPI at /docs)
                on port P, over the records database; needs NORTHSTATION_DATA_KEY_FILE
  --dicom-port P
                also run the DICOM storage listener (C-ECHO, C-STORE) on port P (same --host);
                received files are kept encrypted under <data home>/imaging and listed at
                GET /api/studies; needs NORTHSTATION_DATA_KEY_FILE
  --dicom-ae-title T
                the called AE title answered to (default NORTHSTATION); others are rejected
  --dicom-allow-ae T
                a calling AE title allowed to send (repeatable; default: any)
${recordsArgsHelp}
${conformanceArgsHelp}

${oidcArgsHelp}

${modelArgsHelp}`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...modelArgOptions,
      ...conformanceArgOptions,
      ...oidcArgOptions,
      host: { type: 'string' },
      port: { type: 'string' },
      'clinical-port': { type: 'string' },
      'dicom-port': { type: 'string' },
      'dicom-ae-title': { type: 'string' },
      'dicom-allow-ae': { type: 'string', multiple: true },
      ...recordsArgOptions,
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(help + '\n');
    return 0;
  }
  const port = optionalInteger('--port', values.port) ?? 8080;
  const clinicalPort = optionalInteger('--clinical-port', values['clinical-port']);
  const dicomPort = optionalInteger('--dicom-port', values['dicom-port']);
  // Checked before the model loads: a missing key should fail in a second, not after minutes.
  const dataKey = clinicalPort === undefined && dicomPort === undefined ? undefined : requireDataKey();
  const oidc = oidcOptionsFromArgs(values, { clinical: clinicalPort !== undefined });
  const recordsLocation = recordsLocationFromArgs(values);
  // Opened before the model loads too: a wrong key or an unreachable database should fail in a second.
  const store = dataKey === undefined ? undefined : await openRecordsStore({ ...recordsLocation, key: dataKey });
  const logger = createRedactingLogger();
  let serving: Awaited<ReturnType<typeof openServingModel>>;
  try {
    serving = await openServingModel(values, logger);
  } catch (error) {
    await store?.close();
    throw error;
  }
  const { model } = serving;

  const app = buildOpenAiApp({ model, logger });
  const server = await startServer({ app, host: values.host, port, logger });
  process.stderr.write(`Serving "${model.info.id}" at ${server.url}/v1 (OpenAI-compatible). Ctrl-C stops.\n`);
  if (clinicalPort !== undefined && store !== undefined) {
    const runner = workflowRunnerFor(serving);
    const clinical = buildClinicalApp({ store, runner, model, logger, ...(oidc === undefined ? {} : { oidc }) });
    clinical.addHook('onClose', () => store.close());
    const clinicalServer = await startServer({ app: clinical, host: values.host, port: clinicalPort, logger });
    process.stderr.write(`Clinical API at ${clinicalServer.url}/api (OpenAPI at ${clinicalServer.url}/docs).\n`);
    if (oidc !== undefined) process.stderr.write(`Single sign-on through ${oidc.issuer}: ${clinicalServer.url}/api/oidc/login\n`);
  }
  let dicom: Awaited<ReturnType<typeof startDicomStorage>> | undefined;
  if (dicomPort !== undefined && store !== undefined) {
    dicom = await startDicomStorage({
      store,
      directory: join(dataHome(), 'imaging'),
      logger,
      port: dicomPort,
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(values['dicom-ae-title'] === undefined ? {} : { aeTitle: values['dicom-ae-title'] }),
      ...(values['dicom-allow-ae'] === undefined ? {} : { allowedCallingAeTitles: values['dicom-allow-ae'] }),
    });
    process.stderr.write(`DICOM storage listener at ${dicom.host}:${dicom.port} (called AE title ${values['dicom-ae-title'] ?? 'NORTHSTATION'}).\n`);
  }
  await new Promise<void>((resolve) => app.server.once('close', resolve));
  // The listener and, without a clinical app to close it, the store would keep the process alive.
  await dicom?.close();
  if (clinicalPort === undefined) await store?.close();
  return 0;
}

function requireDataKey(): Buffer {
  const key = loadDataKey();
  if (!key) {
    throw new NorthstationError(
      'config_invalid',
      'the clinical API keeps patient data encrypted: set NORTHSTATION_DATA_KEY_FILE to a file holding 32 random bytes in base64 (e.g. head -c 32 /dev/urandom | base64 > data.key)',
    );
  }
  return key;
}
