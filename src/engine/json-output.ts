/**
 * Model output is untrusted input (DESIGN.md rule 3). Whatever backend produced
 * it, and whether or not a grammar constrained it, text meant to match a JSON
 * schema is parsed and validated here; failure keeps the raw text.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { NorthstationError } from '../core/errors.ts';
import type { JsonSchema } from './chat-model.ts';

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      throw new NorthstationError('bad_request', `invalid JSON schema: ${(error as Error).message}`);
    }
    compiled.set(schema, validate);
  }
  return validate;
}

/** Throws `bad_request` when the schema itself is not a valid JSON schema. */
export function assertValidSchema(schema: JsonSchema): void {
  validatorFor(schema);
}

/** Parses `text` as JSON and validates it against `schema`; throws `schema_violation` with the raw text. */
export function parseJsonOutput(text: string, schema: JsonSchema): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // V8's parse message quotes the input, which may be patient data: keep it out of the message.
    throw new NorthstationError('schema_violation', 'model output is not valid JSON', { rawText: text });
  }
  const validate = validatorFor(schema);
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
    throw new NorthstationError('schema_violation', `model output does not match the schema: ${problems.join('; ')}`, {
      rawText: text,
      problems,
    });
  }
  return value;
}
