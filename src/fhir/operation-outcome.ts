/** Errors as FHIR R4 `OperationOutcome`s, for the `/fhir/R4` read endpoints: the stable NorthstationError code travels in `issue.details`. */
import type { ErrorCode } from '../core/errors.ts';
import { localSystems } from './ids.ts';
import type { Resource } from './types.ts';

/** OperationOutcome.issue.code (value set http://hl7.org/fhir/issue-type) for each NorthstationError code. */
const issueTypes: Record<ErrorCode, string> = {
  bad_request: 'invalid',
  unauthorized: 'login',
  forbidden: 'forbidden',
  not_found: 'not-found',
  conflict: 'conflict',
  payload_too_large: 'too-costly',
  rate_limited: 'throttled',
  model_invalid: 'exception',
  schema_violation: 'exception',
  model_too_large: 'exception',
  aborted: 'incomplete',
  overloaded: 'transient',
  upstream_refused: 'transient',
  upstream_error: 'exception',
  upstream_timeout: 'timeout',
  config_invalid: 'exception',
  unsupported: 'not-supported',
  internal: 'exception',
};

export function operationOutcome(code: ErrorCode, message: string): Resource {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: code === 'internal' || code === 'config_invalid' ? 'fatal' : 'error',
        code: issueTypes[code],
        details: { coding: [{ system: localSystems.errorCode, code }], text: message },
      },
    ],
  };
}
