/** Test-only: an image-capable scripted model and runner, shared-data images, and upload/draft helpers for the imaging routes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { sharedDataDir } from '../../core/shared-data.ts';
import type { ChatMessage, GenerateOptions, GenerateResult, ImagePart, ModelCapabilities } from '../../engine/chat-model.ts';
import type { Role } from '../../records/accounts/policy.ts';
import { StudyArchive } from '../../records/study-archive.ts';
import { soapDraft } from '../../records/test-fixtures.ts';
import { decodeDicom } from '../../imaging/dicom/decode.ts';
import { ScriptedModel } from '../../safety/test-scripted-model.ts';
import { imagingReadWorkflow } from '../../workflows/imaging-read/index.ts';
import { createWorkflowRunner, type WorkflowRunner } from '../../workflows/runner.ts';
import { soapNoteWorkflow } from '../../workflows/soap-note/index.ts';
import type { AnyWorkflow } from '../../workflows/workflow.ts';
import { ImageUploads } from './image-uploads.ts';
import { contentSamples } from './content-samples.test-support.ts';
import { call, scriptedModel, type Harness } from './test-helpers.ts';

export const imagingAnswer = {
  findings: 'The cardiac silhouette appears enlarged. No focal consolidation is seen.',
  impression: 'Findings may represent cardiomegaly.',
  /** Given only when a question was asked. */
  answer: 'The heart may be enlarged.',
};

const read = (folder: string, name: string): Buffer => readFileSync(join(sharedDataDir(), folder, name));
export const images = {
  /** JPEG 2000 lossy CR (RG1_J2KI.dcm). */
  dicom: read('dicom', 'RG1_J2KI.dcm'),
  /** A structured report: no pixel data. */
  sr: read('dicom', 'reportsi.dcm'),
  cxr: read('cxr', 'nih-cxr14-00000001_000.png'),
};

/**
 * A scripted model declaring image input, as a vision server would: an
 * imaging read (a call carrying an image part) gets `imagingAnswer`, anything
 * else the soap-note answer of `scriptedModel`, so one runner serves both
 * workflows in any order. Every call is recorded.
 */
export class VisionModel extends ScriptedModel {
  override readonly capabilities: ModelCapabilities = { text: true, image: true, jsonSchema: true, lora: false };
  readonly #text = scriptedModel(10_000);
  readonly #image = new ScriptedModel(Array<string>(10_000).fill(JSON.stringify({ findings: imagingAnswer.findings, impression: imagingAnswer.impression })));
  readonly #imageWithAnswer = new ScriptedModel(Array<string>(10_000).fill(JSON.stringify({ ...imagingAnswer, answer: imagingAnswer.answer })));

  constructor() {
    super([]);
  }

  override generate(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<GenerateResult> {
    this.calls.push({ messages: [...messages], options });
    if (imagePartOf(messages) === undefined) return this.#text.generate(messages, options);
    // A read with a question must answer it (the workflow's schema requires `answer` then).
    const required = (options.jsonSchema as { required?: unknown } | undefined)?.required;
    return (Array.isArray(required) && required.includes('answer') ? this.#imageWithAnswer : this.#image).generate(messages, options);
  }
}

export function imagePartOf(messages: readonly ChatMessage[]): ImagePart | undefined {
  for (const message of messages) {
    if (message.role === 'user' && typeof message.content !== 'string') {
      const image = message.content.find((part): part is ImagePart => part.type === 'image');
      if (image !== undefined) return image;
    }
  }
  return undefined;
}

/** A runner of soap-note and imaging-read (with the registered DICOM decoder) over a `VisionModel`. */
export function visionRunner(model = new VisionModel()): { model: VisionModel; runner: WorkflowRunner } {
  return { model, runner: createWorkflowRunner({ model, workflows: [soapNoteWorkflow, imagingReadWorkflow] as unknown as AnyWorkflow[] }) };
}

export function upload(h: Harness, role: Role, bytes: Buffer, contentType: string): Promise<LightMyRequestResponse> {
  return call(h, role, { method: 'POST', url: '/api/imaging/uploads', headers: { 'content-type': contentType }, payload: bytes });
}

export async function uploadId(h: Harness, role: Role, bytes: Buffer = images.dicom, contentType = 'application/dicom'): Promise<string> {
  const response = await upload(h, role, bytes, contentType);
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.body}`);
  return response.json<{ upload: { id: string } }>().upload.id;
}

/** Records RG1_J2KI.dcm as received by the DICOM listener (through the archive, as the listener does); returns its SOP Instance UID. */
export async function receiveStudy(h: Harness): Promise<{ sopInstanceUid: string; studyInstanceUid: string; modality: string }> {
  const { source, modality } = await decodeDicom(images.dicom);
  const sopInstanceUid = source.sopInstanceUid ?? '';
  const studyInstanceUid = source.studyInstanceUid ?? '';
  await new StudyArchive(h.store, h.imagingDirectory).receive(
    {
      sopInstanceUid,
      studyInstanceUid,
      seriesInstanceUid: source.seriesInstanceUid ?? '',
      sopClassUid: source.sopClassUid ?? '',
      transferSyntaxUid: source.transferSyntaxUid ?? '',
      modality,
      details: { patientName: 'Test^Patient' },
      callingAeTitle: 'CR1',
      file: images.dicom,
    },
    { userId: 'dicom:CR1', role: 'modality', client: 'dicom' },
  );
  return { sopInstanceUid, studyInstanceUid, modality };
}

/** An upload stored directly (no request, so no rate-limit bucket is spent), owned by `userId`; returns its id. */
export async function storedUpload(h: Harness, userId: string, bytes: Buffer = images.cxr, mediaType: 'image/png' | 'application/dicom' = 'image/png'): Promise<string> {
  return (await new ImageUploads(h.store, h.imagingDirectory).put({ userId, role: 'nurse', client: 'test' }, mediaType, bytes)).id;
}

/** An imaging-read draft made directly in the store by `createdBy` with `input` (e.g. `{ upload }`): the store links it as POST /api/drafts would. */
export async function imagingDraft(h: Harness, createdBy: string, input: Record<string, unknown>): Promise<string> {
  const actor = { userId: createdBy, role: 'nurse', client: 'test' };
  const patient = await h.store.createPatient({ displayName: 'Margaret Thistlewood' }, actor);
  const encounter = await h.store.createEncounter({ patientId: patient.id }, actor);
  const base = soapDraft(contentSamples['imaging-read']());
  return (await h.store.createDraft({ encounterId: encounter.id, input, draft: { ...base, workflow: 'imaging-read', provenance: { ...base.provenance, workflow: 'imaging-read' } } }, actor)).id;
}
