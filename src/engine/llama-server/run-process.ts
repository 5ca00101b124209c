/**
 * Runs a build tool (git, cmake) to completion, handing each output line to a
 * callback and keeping the last lines for the error message: a failed
 * compile is only diagnosable with its last output.
 */
import { spawn } from 'node:child_process';
import { NorthstationError } from '../../core/errors.ts';

export interface RunProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  /** Lines kept for the error message. Default: 30. */
  tailLines?: number;
}

export interface RunProcessResult {
  /** Every output line, stdout and stderr interleaved as they arrived. */
  lines: string[];
}

export function runProcess(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<RunProcessResult> {
  const keep = options.tailLines ?? 30;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal, killSignal: 'SIGTERM' as const } : {}),
    });
    const lines: string[] = [];
    const tail: string[] = [];
    const onText = splitLines((line) => {
      lines.push(line);
      tail.push(line);
      if (tail.length > keep) tail.shift();
      options.onLine?.(line);
    });
    child.stdout.on('data', onText.push);
    child.stderr.on('data', onText.push);
    child.on('error', (error) => {
      if (error.name === 'AbortError') reject(new NorthstationError('aborted', `${command} was aborted`));
      else reject(new NorthstationError('internal', `could not run ${command}: ${error.message}`, { command }, { cause: error }));
    });
    child.on('close', (code, signal) => {
      onText.flush();
      if (code === 0) {
        resolve({ lines });
        return;
      }
      const how = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
      reject(new NorthstationError('internal', `${command} ${args.join(' ')} failed (${how}):\n${tail.join('\n')}`, { command, code, signal }));
    });
  });
}

/** Collects chunks into whole lines; `flush` emits a last unterminated line. */
export function splitLines(onLine: (line: string) => void): { push: (chunk: Buffer | string) => void; flush: () => void } {
  let pending = '';
  return {
    push: (chunk) => {
      pending += chunk.toString();
      const parts = pending.split(/\r?\n|\r/);
      pending = parts.pop() ?? '';
      for (const part of parts) onLine(part);
    },
    flush: () => {
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}
