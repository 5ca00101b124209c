/**
 * The audit trail as FHIR R4 AuditEvent resources, in a `collection` Bundle.
 * Built only from audit rows, which hold no PHI: ids, roles, actions, times,
 * network addresses, model ids and hashes.
 *
 * Mapping per event:
 * - type: audit-event-type `rest`; subtype: the Northstation action (local system);
 * - action: C (create, issue), R (read), U (edit, sign, amend, withdraw, revoke,
 *   rotate), D (delete; none exist today), E (everything else: logins, token use);
 * - recorded: the event time; outcome 0 (the trail records what happened);
 * - agent: the user id with the role acted in, the network address when known;
 * - source.observer: Northstation;
 * - entity.what: `resource_type/resource_id` as an identifier; entity.detail:
 *   seq, hash, prev-hash, client, model and prompt hash, so the chain can be
 *   re-verified from the export.
 */
import type { AuditEvent } from './audit.ts';

export const auditActionSystem = 'urn:northstation:audit-action';
const auditEventTypeSystem = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const userSystem = 'urn:northstation:user';
const roleSystem = 'urn:northstation:role';
const resourceSystem = 'urn:northstation:resource';
/** http://terminology.hl7.org/CodeSystem/network-type: 2 = IP address. */
const networkTypeIp = '2';

export type FhirAuditAction = 'C' | 'R' | 'U' | 'D' | 'E';

const verbActions: Readonly<Record<string, FhirAuditAction>> = {
  create: 'C',
  issue: 'C',
  read: 'R',
  edit: 'U',
  sign: 'U',
  amend: 'U',
  withdraw: 'U',
  revoke: 'U',
  rotate: 'U',
  delete: 'D',
};

/** C/R/U/D/E for a Northstation action such as 'draft.sign' (the part after the last dot). */
export function fhirAuditAction(action: string): FhirAuditAction {
  const verb = action.slice(action.lastIndexOf('.') + 1);
  return Object.hasOwn(verbActions, verb) ? (verbActions[verb] ?? 'E') : 'E';
}

/** A stable urn:uuid from the event's hash (the event is content-addressed already). */
function uuidFromHash(hash: string): string {
  const h = hash.padEnd(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export interface FhirAuditEvent {
  resourceType: 'AuditEvent';
  id: string;
  [field: string]: unknown;
}

export function toFhirAuditEvent(event: AuditEvent): FhirAuditEvent {
  const detail: Array<{ type: string; valueString: string }> = [
    { type: 'seq', valueString: String(event.seq) },
    { type: 'hash', valueString: event.hash },
    { type: 'prev-hash', valueString: event.prevHash },
  ];
  if (event.client !== null) detail.push({ type: 'client', valueString: event.client });
  if (event.modelId !== null) detail.push({ type: 'model-id', valueString: event.modelId });
  if (event.promptSha256 !== null) detail.push({ type: 'prompt-sha256', valueString: event.promptSha256 });
  return {
    resourceType: 'AuditEvent',
    id: `ns-audit-${event.seq}`,
    type: { system: auditEventTypeSystem, code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: auditActionSystem, code: event.action }],
    action: fhirAuditAction(event.action),
    recorded: event.at,
    outcome: '0',
    agent: [
      {
        type: { text: 'user' },
        role: [{ coding: [{ system: roleSystem, code: event.role }], text: event.role }],
        who: { identifier: { system: userSystem, value: event.user } },
        requestor: true,
        ...(event.ip === null ? {} : { network: { address: event.ip, type: networkTypeIp } }),
      },
    ],
    source: { observer: { display: 'Northstation' } },
    entity: [
      {
        what: { identifier: { system: resourceSystem, value: `${event.resourceType}/${event.resourceId}` } },
        detail,
      },
    ],
  };
}

/** Every event, in seq order, as a FHIR R4 Bundle of type `collection`. */
export function auditEventsToFhirBundle(events: readonly AuditEvent[], timestamp: Date = new Date()): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: timestamp.toISOString(),
    entry: events.map((event) => ({ fullUrl: `urn:uuid:${uuidFromHash(event.hash)}`, resource: toFhirAuditEvent(event) })),
  };
}
