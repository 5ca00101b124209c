/**
 * Checks that a file is a working llama-server before anything relies on it
 * (`--version`), and reads which options it accepts (`--help`), since a
 * binary a site supplies may be older or newer than the one we build.
 */
import { execFile } from 'node:child_process';
import { NorthstationError } from '../../core/errors.ts';

const checkTimeoutMs = 15_000;

function runQuick(binary: string, args: string[]): Promise<{ ok: boolean; output: string; error?: Error }> {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: checkTimeoutMs, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}\n${stderr}`, ...(error ? { error } : {}) });
    });
  });
}

/** The `version: …` line of `--version`; `config_invalid` when the binary does not run or does not say one. */
export async function checkServerBinary(binary: string): Promise<string> {
  const { ok, output, error } = await runQuick(binary, ['--version']);
  const versionLine = output.split('\n').find((line) => line.startsWith('version:'));
  if (!ok || versionLine === undefined) {
    throw new NorthstationError('config_invalid', `${binary} is not a working llama-server (--version ${ok ? 'printed no version' : `failed: ${error?.message ?? 'unknown'}`})`, { binary });
  }
  return versionLine.trim();
}

/** Every `--long-option` named in `--help`. */
export async function readServerOptions(binary: string): Promise<Set<string>> {
  const { output } = await runQuick(binary, ['--help']);
  return parseHelpOptions(output);
}

export function parseHelpOptions(help: string): Set<string> {
  return new Set(help.match(/--[a-z0-9][a-z0-9-]*/g) ?? []);
}
