/**
 * Model output is untrusted input (DESIGN.md rule 3). Whatever backend produced
 * it, and whether or not a grammar constrained it, text meant to match a JSON
 * schema is parsed and validated here; failure keeps the raw text.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { NorthstationError } from '../core/errors.ts';
import type { JsonSchema } from './chat-model.ts';

// Ajv keeps every schema it compiles; each HTTP request parses its schema into a
// new object, so we compile with a throw-away Ajv per schema text and keep a
// bounded cache keyed by that text (workflows reuse a handful of schemas).
export const maxCachedSchemas = 64;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (validate) {
    compiled.delete(key); // re-insert: the Map's order is the recency order
  } else {
    try {
      validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    } catch (error) {
      throw new NorthstationError('bad_request', `invalid JSON schema: ${(error as Error).message}`);
    }
    if (compiled.size >= maxCachedSchemas) compiled.delete(compiled.keys().next().value ?? '');
  }
  compiled.set(key, validate);
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

/** Validators held in the cache; for tests of its bound. */
export function compiledSchemaCount(): number {
  return compiled.size;
}
