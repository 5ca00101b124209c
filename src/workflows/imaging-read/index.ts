/**
 * imaging-read: one image (and optionally a clinician's question and clinical
 * context) → a preliminary read: findings, impression, and the answer to the
 * question. The workflow decodes and preprocesses the upload itself
 * (imaging/preprocess.ts: 896×896 RGB, the record of every step goes into the
 * draft's provenance with the file's SHA-256), sends it to the model as an
 * image part, and puts every text the model wrote through the safety layer:
 * hedging of definitive diagnoses, the order guard, injection and PHI checks.
 * Nothing is grounded: the image, not a text, is the source.
 */
import { z } from 'zod';
import { NorthstationError, isNorthstationError } from '../../core/errors.ts';
import type { ModalityImage } from '../../imaging/image.ts';
import { preprocessForMedGemma } from '../../imaging/preprocess.ts';
import type { Finding, Language } from '../../safety/finding.ts';
import { languages, reviewText } from '../reviewed-text.ts';
import type { Workflow } from '../workflow.ts';
import { imagingReadContentSchema } from './content-schema.ts';
import { dataUriProblem, decodeDataUri, defaultDecoders, maxImageDataUriChars, type ImageDecoder } from './image-input.ts';
import { imagingReadMessages, imagingReadPrompt, readSchema, readWithAnswerSchema, type ReadAnswer } from './prompt.ts';

/**
 * What an imaging read holds. The FHIR export (fhir/imaging-report.ts,
 * `ImagingReadContent`) needs exactly this shape; workflows may not import
 * fhir/, so fhir/imaging-read-content.test.ts checks at type level that the two agree.
 */
export interface ImagingRead {
  findings: string;
  impression: string;
  /** The clinician's question, as asked. */
  question?: string;
  answer?: string;
}

/**
 * The model card's limitations for imaging, in every imaging read whatever
 * model serves it: single-image evaluation (REFERENCE.md §7, "evaluated mainly
 * on single images and single turns"); subtle critical findings such as aortic
 * dissection can be missed (issue 7, from the MedGemma model card).
 */
export const imagingLimitations = [
  'Imaging: the model was evaluated mainly on single images; this read saw one preprocessed image, without prior studies, other views or the rest of a series.',
  'Imaging: it may miss subtle but critical findings (for example an aortic dissection); a read that mentions nothing does not exclude them.',
] as const;

export interface ImagingReadOptions {
  /** Default 1024. */
  maxTokens?: number;
  /** Decoders by media type, added to PNG and JPEG (e.g. 'application/dicom'). */
  decoders?: Readonly<Record<string, ImageDecoder>>;
}

/** A finding with the field it indexes: a content field the model wrote, or the input text it was found in. */
export type FieldFinding = Finding & { field: string };

const optionalText = (max: number) => z.string().trim().min(1).max(max).optional();

function inputSchema(mediaTypes: readonly string[]) {
  return z.object({
    image: z.string().max(maxImageDataUriChars).superRefine((uri, context) => {
      const problem = dataUriProblem(uri, mediaTypes);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    }),
    /** Which frame of a multi-frame image (DICOM). Default 0. */
    frame: z.number().int().min(0).max(100_000).optional(),
    question: optionalText(2000),
    clinicalContext: optionalText(8000),
    language: z.enum(languages).optional(),
  });
}
export type ImagingReadInput = z.infer<ReturnType<typeof inputSchema>>;

export function createImagingReadWorkflow(options: ImagingReadOptions = {}): Workflow<ImagingReadInput, ImagingRead> {
  const maxTokens = options.maxTokens ?? 1024;
  const decoders = { ...defaultDecoders, ...options.decoders };
  return {
    name: 'imaging-read',
    version: '1',
    input: inputSchema(Object.keys(decoders)),
    content: imagingReadContentSchema,
    prompt: imagingReadPrompt,
    limitations: imagingLimitations,
    languageOf: (input) => input.language ?? 'en',
    run: async (input, context) => {
      const language: Language = input.language ?? 'en';
      if (!context.model.capabilities.image) {
        throw new NorthstationError('unsupported', `the serving model (${context.model.info.id}) does not take images: serve a vision model with its projector (--model FILE --mmproj FILE), or a site server that takes images (--upstream URL --upstream-image)`);
      }
      context.emit({ type: 'prefill-progress', stage: 'preprocess', done: 0, total: 2 });
      const image = await decodeImage(input.image, decoders);
      const { png, record } = await asImageInputError(preprocessForMedGemma(image, { frame: input.frame ?? 0 }));
      const { messages, findings: inputFindings } = imagingReadMessages({ png, record, question: input.question, clinicalContext: input.clinicalContext, language });
      // The model's image encode comes first and can take minutes on a CPU: say so before the call, not after.
      context.emit({ type: 'prefill-progress', stage: 'encoding image', done: 1, total: 2 });
      const answer = (await context.generate(messages, { schema: input.question === undefined ? readSchema : readWithAnswerSchema, maxTokens })) as ReadAnswer;

      const findings: FieldFinding[] = [...inputFindings];
      const review = (text: string, field: string): string => {
        const reviewed = reviewText(text, undefined, language);
        findings.push(...reviewed.findings.map((finding) => ({ ...finding, field })));
        return reviewed.text;
      };
      const content: ImagingRead = { findings: review(answer.findings, 'findings'), impression: review(answer.impression, 'impression') };
      if (input.question !== undefined) {
        content.question = input.question;
        content.answer = review(answer.answer ?? '', 'answer');
      }
      return { content, findings, provenance: { image: record } };
    },
  };
}

export const imagingReadWorkflow = createImagingReadWorkflow();

async function decodeImage(uri: string, decoders: Readonly<Record<string, ImageDecoder>>): Promise<ModalityImage> {
  const { mediaType, bytes } = decodeDataUri(uri);
  const decoder = decoders[mediaType];
  if (decoder === undefined) throw new NorthstationError('bad_request', `image: no decoder for ${mediaType}`, { field: 'image' });
  return asImageInputError(decoder(bytes));
}

/** Decoding and preprocessing refusals are about the `image` field: the CLI and API then name it. */
async function asImageInputError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isNorthstationError(error) && (error.code === 'bad_request' || error.code === 'payload_too_large')) {
      throw new NorthstationError(error.code, `image: ${error.message}`, { ...error.details, field: 'image' }, { cause: error });
    }
    throw error;
  }
}
