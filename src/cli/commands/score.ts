/**
 * `northstation score`: one JSON object of vitals on stdin → one JSON object
 * of deterministic scores on stdout (NEWS2, qSOFA, SIRS, shock index, GCS,
 * CTAS floor, deterioration flags). Invalid input: exit code 2 and
 * `{ "error": { "field", "message" } }` on stdout, so integrators parse one stream.
 */
import { scoreInput, VitalsValidationError } from '../../clinical/index.ts';
import { readStdin } from '../stdin.ts';

const help = `usage: northstation score < vitals.json

Reads one JSON object on stdin, e.g.
  {"age": 67, "respiratoryRate": 24, "spo2": 91, "onOxygen": false, "systolicBP": 98,
   "heartRate": 118, "temperature": 38.6, "consciousness": "A"}
and prints NEWS2, qSOFA, SIRS, shock index, GCS, the CTAS floor and deterioration flags.
Fields: age, respiratoryRate, spo2, spo2Scale (1|2), onOxygen, systolicBP, diastolicBP, heartRate,
temperature + temperatureUnit ("C"|"F"), consciousness ("A"|"C"|"V"|"P"|"U"), gcs or
gcsEye/gcsVerbal/gcsMotor, previousGcs, pain {score, onset, location}, immunocompromised,
bleedingDisorder ("none"|"minor"|"moderate"|"life-threatening"), highRiskMechanism, wbc,
bandsPercent, paco2. All optional; missing values are reported, never assumed normal.`;

export interface ScoreIo {
  readInput: () => Promise<string>;
  write: (text: string) => void;
}

const processIo: ScoreIo = {
  readInput: readStdin,
  write: (text) => process.stdout.write(text),
};

export async function run(args: string[], io: ScoreIo = processIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.write(help + '\n');
    return 0;
  }
  if (args.length > 0) return fail(io, '$', `score takes no arguments (got "${args[0] ?? ''}"); it reads JSON on stdin`);
  const text = await io.readInput();
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return fail(io, '$', 'stdin is not valid JSON');
  }
  try {
    io.write(JSON.stringify(scoreInput(input), null, 2) + '\n');
    return 0;
  } catch (error) {
    if (error instanceof VitalsValidationError) return fail(io, error.field, error.message);
    throw error;
  }
}

function fail(io: ScoreIo, field: string, message: string): number {
  io.write(JSON.stringify({ error: { field, message } }) + '\n');
  return 2;
}
