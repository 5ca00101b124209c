/**
 * `northstation serve (--model FILE | --synthetic | --upstream URL …)`:
 * an OpenAI-compatible API (`/v1/models`, `/v1/chat/completions`, `/health`,
 * `/metrics`) over the chosen model, on 127.0.0.1 unless --host says otherwise;
 * with --clinical-port, also the clinical API and the web UI (built first
 * when web/ changed: web-build.ts).
 *
 * With a synthetic model (the README's main job) the clinical API and web UI
 * are on by default (port --port + 1: 8081), with a data key made under the
 * data home when none is configured and demo accounts on an empty records
 * database (synthetic-setup.ts); --api-only turns that off.
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
import { createDemoAccounts, describeDemoAccounts, syntheticDataKey } from '../synthetic-setup.ts';
import { ensureWebBuild } from '../web-build.ts';
import { openServingModel, workflowRunnerFor } from '../serving-model.ts';
import { servingReportFor } from '../serving-report.ts';

const help = `usage: northstation serve (--model FILE | --synthetic | --upstream URL …) [options]

  --host H      interface to listen on (default 127.0.0.1; 0.0.0.0 exposes the API to the network)
  --port P      TCP port (default 8080)
  --clinical-port P
                also serve the clinical API (accounts, drafts, sign-off, audit; OpenAPI at /docs)
                and the web UI (at /) on port P, over the records database; needs
                NORTHSTATION_DATA_KEY_FILE. Default with --synthetic: --port + 1 (8081), with a
                data key made at <data home>/data.key when none is set and, on an empty records
                database, demo accounts nurse, physician and admin (random passwords, shown once)
  --api-only    with --synthetic: only the OpenAI-compatible API (no clinical API, web UI or data key)
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
      'api-only': { type: 'boolean' },
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
  // Random weights: no patient data can be at stake, so the demo may make its own key and accounts.
  const synthetic = values.synthetic === true || values['synthetic-vision'] === true;
  const clinicalPort = optionalInteger('--clinical-port', values['clinical-port']) ?? (synthetic && values['api-only'] !== true ? defaultClinicalPort(port) : undefined);
  const dicomPort = optionalInteger('--dicom-port', values['dicom-port']);
  // The flags are checked first: a refused command line makes no data key.
  const oidc = oidcOptionsFromArgs(values, { clinical: clinicalPort !== undefined });
  const recordsLocation = recordsLocationFromArgs(values);
  // Checked before the model loads: a missing key should fail in a second, not after minutes.
  const dataKey = clinicalPort === undefined && dicomPort === undefined ? undefined : synthetic ? await syntheticKey() : requireDataKey();
  // Opened before the model loads too: a wrong key or an unreachable database should fail in a second.
  const store = dataKey === undefined ? undefined : await openRecordsStore({ ...recordsLocation, key: dataKey });
  const logger = createRedactingLogger();
  let serving: Awaited<ReturnType<typeof openServingModel>>;
  let demoPasswords: Awaited<ReturnType<typeof createDemoAccounts>>;
  try {
    if (clinicalPort !== undefined) await buildWebUi();
    demoPasswords = synthetic && clinicalPort !== undefined && store !== undefined ? await createDemoAccounts(store) : undefined;
    serving = await openServingModel(values, logger);
  } catch (error) {
    await store?.close();
    throw error;
  }
  const { model } = serving;
  // For GET /api/status; made before any server listens, so no await sits between the two servers starting.
  const imagingListener = dicomPort === undefined ? {} : { imagingListener: { port: dicomPort, aeTitle: values['dicom-ae-title'] ?? 'NORTHSTATION' } };
  const servingReport = clinicalPort === undefined ? undefined : await servingReportFor(serving, { records: recordsLocation, ...imagingListener });

  const app = buildOpenAiApp({ model, logger });
  const server = await startServer({ app, host: values.host, port, logger });
  // Listened for at once: a stop signal may close this server while the others are still starting.
  const closed = new Promise<void>((resolve) => app.server.once('close', resolve));
  process.stderr.write(`Serving "${model.info.id}" at ${server.url}/v1 (OpenAI-compatible). Ctrl-C stops.\n`);
  let closeClinical: (() => Promise<void>) | undefined;
  if (clinicalPort !== undefined && store !== undefined) {
    const runner = workflowRunnerFor(serving);
    const clinical = buildClinicalApp({ store, runner, model, logger, ...(servingReport === undefined ? {} : { servingReport }), ...(oidc === undefined ? {} : { oidc }) });
    clinical.addHook('onClose', () => store.close());
    const clinicalServer = await startServer({ app: clinical, host: values.host, port: clinicalPort, logger });
    closeClinical = () => clinicalServer.close();
    process.stderr.write(`Clinical API at ${clinicalServer.url}/api (OpenAPI at ${clinicalServer.url}/docs).\n`);
    process.stderr.write(`Web UI at ${clinicalServer.url}/\n`);
    if (demoPasswords !== undefined) process.stderr.write(describeDemoAccounts(demoPasswords, `${clinicalServer.url}/`));
    else if (synthetic) process.stderr.write('Accounts exist already (a demo password is shown once, when it is made); a forgotten one: ./northstation users set-password USERNAME, with the data key above in NORTHSTATION_DATA_KEY_FILE.\n');
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
  await closed;
  // A stop signal that came while the clinical server was starting closed only the first server.
  await closeClinical?.();
  // The listener and, without a clinical app to close it, the store would keep the process alive.
  await dicom?.close();
  if (clinicalPort === undefined) await store?.close();
  return 0;
}

/** The clinical port when --synthetic names none: the one after --port (8081 by default); an ephemeral one with --port 0. */
export function defaultClinicalPort(port: number): number {
  return port === 0 || port >= 65535 ? 0 : port + 1;
}

/** The data key for a synthetic model: the configured one, else <data home>/data.key (made when missing). */
async function syntheticKey(): Promise<Buffer> {
  const { key, source, file } = await syntheticDataKey();
  if (source === 'created') process.stderr.write(`Created a data key for the synthetic demo's records at ${String(file)} (mode 0600); set NORTHSTATION_DATA_KEY_FILE to use another.\n`);
  if (source === 'existing') process.stderr.write(`Using the synthetic demo's data key at ${String(file)}.\n`);
  return key;
}

/** Builds the web UI when web/ changed since the last build; a failure is reported and the APIs still start. */
async function buildWebUi(): Promise<void> {
  try {
    await ensureWebBuild();
  } catch (error) {
    process.stderr.write(`The web UI could not be built (${error instanceof Error ? error.message : String(error)}); the APIs start without it.\n`);
  }
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
