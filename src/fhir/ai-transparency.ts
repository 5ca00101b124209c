/**
 * HL7 AI Transparency on FHIR (REFERENCE.md §6): the AIAST security label, the
 * model as a Device of type Artificial-Intelligence, and the Provenance that
 * names that Device as author and the signing clinician as verifier.
 */
import type { Amendment, DraftStatus, Signature } from '../records/repository.ts';
import type { Provenance as DraftProvenance } from '../workflows/draft.ts';
import { fhirId, localSystems, practitionerResource, referenceTo, sha256Hex } from './ids.ts';
import type { Coding, Reference, Resource } from './types.ts';

export const aiAssertedLabel: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'AIAST',
  display: 'Artificial Intelligence asserted',
};

export const aiDeviceType: Coding = {
  system: 'http://hl7.org/fhir/uv/aitransparency/CodeSystem/AIdeviceTypeCS',
  code: 'Artificial-Intelligence',
  display: 'Artificial Intelligence',
};

const participantTypes = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';

/** Who signed, amended or withdrew: the parts of the records' lifecycle the export shows. */
export interface Lifecycle {
  status: DraftStatus;
  signature: Pick<Signature, 'signedBy' | 'signedAt'> | null;
  amendments: Pick<Amendment, 'signedBy' | 'signedAt'>[];
  withdrawal: { at: string } | null;
}

/** Composition.status, Observation.status and DiagnosticReport.status share these codes for our lifecycle. */
export function fhirStatus(status: DraftStatus): 'preliminary' | 'final' | 'amended' | 'entered-in-error' {
  switch (status) {
    case 'draft':
      return 'preliminary';
    case 'signed':
      return 'final';
    case 'amended':
      return 'amended';
    case 'entered-in-error':
      return 'entered-in-error';
  }
}

/** The clinicians who signed (the signature, then each amendment), in order. */
export function signers(lifecycle: Lifecycle): { userId: string; at: string }[] {
  return [
    ...(lifecycle.signature ? [{ userId: lifecycle.signature.signedBy, at: lifecycle.signature.signedAt }] : []),
    ...lifecycle.amendments.map((amendment) => ({ userId: amendment.signedBy, at: amendment.signedAt })),
  ];
}

/** One Practitioner per clinician in the document: its creator (when a person) and every signer, once each. */
export function documentPractitioners(createdBy: string | null, signedBy: readonly { userId: string }[], userNames: Readonly<Record<string, string>> | undefined): Resource[] {
  const userIds = [...new Set([...(createdBy === null ? [] : [createdBy]), ...signedBy.map((signer) => signer.userId)])];
  return userIds.map((userId) => practitionerResource(userId, userNames?.[userId]));
}

/** The AI model as a Device: version = the model id, identifier = the model file's SHA-256 when known. */
export function aiDevice(provenance: DraftProvenance): Resource {
  const { model } = provenance;
  const id = fhirId(`ai-${sha256Hex(`${model.id}\n${model.sha256 ?? ''}\n${model.quantisation ?? ''}`).slice(0, 32)}`);
  return {
    resourceType: 'Device',
    id,
    identifier: [
      { system: localSystems.model, value: model.id },
      ...(model.sha256 === undefined ? [] : [{ system: localSystems.modelSha256, value: model.sha256 }]),
    ],
    deviceName: [{ name: model.id, type: 'model-name' }],
    type: { coding: [aiDeviceType], text: 'Artificial Intelligence' },
    version: [{ value: model.id }, ...(model.quantisation === undefined ? [] : [{ type: { text: 'quantisation' }, value: model.quantisation }])],
  };
}

export interface AiProvenanceParts {
  id: string;
  targets: Reference[];
  device: Resource;
  provenance: DraftProvenance;
  lifecycle: Lifecycle;
  /** Extra entities (e.g. the measured vitals the AI output was derived from), role `source`. */
  sources?: Reference[];
}

/** The Provenance of AI-assisted resources: Device as author, every signing clinician as verifier. */
export function aiProvenance(parts: AiProvenanceParts): Resource {
  const { provenance, lifecycle } = parts;
  const verifiers = signers(lifecycle);
  const last = verifiers.at(-1);
  const recorded = lifecycle.withdrawal?.at ?? last?.at ?? provenance.createdAt;
  const { promptTemplate, model } = provenance;
  return {
    resourceType: 'Provenance',
    id: parts.id,
    target: parts.targets,
    occurredDateTime: provenance.createdAt,
    recorded,
    agent: [
      {
        type: { coding: [{ system: participantTypes, code: 'author', display: 'Author' }] },
        role: [{ coding: [aiDeviceType] }],
        who: referenceTo(parts.device, model.id),
      },
      ...[...new Set(verifiers.map(({ userId }) => userId))].map((userId) => ({
        type: { coding: [{ system: participantTypes, code: 'verifier', display: 'Verifier' }] },
        who: referenceTo(practitionerResource(userId)),
      })),
    ],
    entity: [
      {
        role: 'derivation',
        what: {
          identifier: { system: localSystems.promptTemplate, value: promptTemplate.sha256 },
          display: `prompt template ${promptTemplate.id} version ${promptTemplate.version}`,
        },
      },
      { role: 'derivation', what: { identifier: { system: localSystems.modelCard, value: model.id }, display: `model card of ${model.id}` } },
      { role: 'source', what: { identifier: { system: localSystems.inputSha256, value: provenance.inputSha256 }, display: 'workflow input (SHA-256)' } },
      ...(parts.sources ?? []).map((what) => ({ role: 'source', what })),
    ],
  };
}
