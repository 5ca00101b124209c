/**
 * The `northstation` command line. Each command lives in commands/<name>.ts and
 * exports `run(args)`, returning the process exit code. Errors that reach here
 * are printed as one clear line (code and message), never as a stack trace.
 */
import { isNorthstationError } from '../core/errors.ts';

interface Command {
  summary: string;
  load: () => Promise<{ run: (args: string[]) => Promise<number> }>;
}

const commands: Record<string, Command> = {
  eval: { summary: 'evaluate a workflow over a public or labelled set (soap-note, triage)', load: () => import('./commands/eval.ts') },
  lint: { summary: 'run the safety guards on a draft JSON on stdin', load: () => import('./commands/lint.ts') },
  run: { summary: 'run a clinical workflow (soap-note, triage, …) on input JSON from stdin; prints the draft', load: () => import('./commands/run.ts') },
  score: { summary: 'deterministic scores (NEWS2, qSOFA, SIRS, CTAS floor) for vitals JSON on stdin', load: () => import('./commands/score.ts') },
  serve: { summary: 'serve a model through an OpenAI-compatible API', load: () => import('./commands/serve.ts') },
  validate: { summary: 'run the conformance gate on a model; serve needs a passing report', load: () => import('./commands/validate.ts') },
  generate: { summary: 'print one completion for a prompt', load: () => import('./commands/generate.ts') },
  'synth-model': { summary: 'write a synthetic (random-weight) Gemma 3 GGUF', load: () => import('./commands/synth-model.ts') },
  sizing: { summary: 'memory needed by a catalog model at a quantisation and context', load: () => import('./commands/sizing.ts') },
  models: { summary: 'add, list and pull model files', load: () => import('./commands/models.ts') },
  audit: { summary: 'verify the records audit chain or export it as FHIR AuditEvents (audit verify|export [--db FILE])', load: () => import('./commands/audit.ts') },
  users: { summary: 'add a local account (users add USERNAME --role ROLE…; the first admin is made this way) or set a new password (users set-password USERNAME)', load: () => import('./commands/users.ts') },
  records: { summary: 'records database maintenance (records rotate-key --new-key-file FILE)', load: () => import('./commands/records.ts') },
  engine: { summary: 'build llama-server, the engine for image input (engine build [--server PATH])', load: () => import('./commands/engine.ts') },
  bench: { summary: 'run a benchmark from bench/ (e.g. engine)', load: () => import('./commands/bench.ts') },
  test: { summary: 'run the test suite', load: () => import('./commands/test.ts') },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['usage: northstation COMMAND [options]', '', 'commands:', ...lines, '', 'Each command takes --help.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`northstation: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const module = await command.load();
  return module.run(args);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (isNorthstationError(error)) {
    process.stderr.write(`northstation: error [${error.code}]: ${error.message}\n`);
  } else {
    process.stderr.write(`northstation: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exitCode = 1;
}
