/**
 * `northstation engine build`: builds llama-server (llama.cpp's own server,
 * the engine's path to image input) from the llama.cpp source node-llama-cpp
 * ships, or checks a site's existing binary. Prints the binary's path on
 * stdout and progress on stderr.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildLlamaServer, checkServerBinary } from '../../engine/llama-server/index.ts';
import { createBuildReporter } from '../../engine/llama-server/build-progress.ts';
import { processOutput, type CommandOutput } from '../command-output.ts';

const usage = `usage: northstation engine build [--server PATH] [--cuda | --no-cuda] [--jobs N]

Builds llama-server from the llama.cpp source bundled with node-llama-cpp (CMake Release, native
CPU flags, only the server target) into <data home>/llama-server/, keyed by the source's SHA-256
and the flags: a second call returns at once. About 10 minutes on 2 cores. Prints the binary path.
  --server PATH  use this existing llama-server instead (checked with --version)
  --cuda         build the CUDA backend (default: when nvcc is on PATH and an NVIDIA GPU is visible)
  --no-cuda      build for the CPU only
  --jobs N       parallel compile jobs (default: physical cores)`;


export async function run(args: string[], output: CommandOutput = processOutput): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    output.stdout(usage + '\n');
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'build') {
    output.stderr(`northstation engine: unknown subcommand "${sub}"\n\n${usage}\n`);
    return 2;
  }
  let values: { server?: string; cuda?: boolean; 'no-cuda'?: boolean; jobs?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { server: { type: 'string' }, cuda: { type: 'boolean' }, 'no-cuda': { type: 'boolean' }, jobs: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    output.stderr(`northstation engine build: ${error instanceof Error ? error.message : String(error)}\n\n${usage}\n`);
    return 2;
  }
  if (values.help === true) {
    output.stdout(usage + '\n');
    return 0;
  }
  if (values.cuda === true && values['no-cuda'] === true) {
    output.stderr('northstation engine build: --cuda and --no-cuda contradict each other\n');
    return 2;
  }
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) {
    output.stderr('northstation engine build: --jobs must be a positive whole number\n');
    return 2;
  }

  if (values.server !== undefined) {
    const binary = resolve(values.server);
    const version = await checkServerBinary(binary);
    output.stderr(`llama-server: ${version}\n`);
    output.stdout(`${binary}\n`);
    return 0;
  }

  const cuda = values.cuda === true ? true : values['no-cuda'] === true ? false : undefined;
  const result = await buildLlamaServer({
    ...(cuda === undefined ? {} : { cuda }),
    ...(jobs === undefined ? {} : { jobs }),
    onEvent: createBuildReporter((line) => output.stderr(line + '\n')),
  });
  const backend = result.flags.cuda ? 'CUDA' : 'CPU';
  output.stderr(
    result.cached
      ? `llama-server (${backend}, llama.cpp ${result.commit.slice(0, 12)}) already built (the build took ${result.originalBuildSeconds} s)\n`
      : `llama-server (${backend}, llama.cpp ${result.commit.slice(0, 12)}) built in ${result.buildSeconds} s\n`,
  );
  output.stdout(`${result.binary}\n`);
  return 0;
}
