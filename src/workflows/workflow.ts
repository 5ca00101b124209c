/**
 * The contract each workflow in src/workflows/<name>/ implements, and the
 * context the runner hands it. A workflow takes validated input, calls the
 * model through `context.generate` (schema-constrained, cleaned, bounded
 * repair), runs the safety layer on what the model wrote, and returns content
 * plus findings; the runner wraps that into a Draft with provenance.
 */
import type { z } from 'zod';
import type { ChatMessage, ChatModel, JsonSchema } from '../engine/chat-model.ts';
import type { Finding, Language } from '../safety/finding.ts';
import type { Provenance, WorkflowEvent } from './draft.ts';
import type { PromptTemplate } from './prompt-template.ts';

export interface WorkflowContext {
  model: ChatModel;
  signal: AbortSignal;
  emit(event: WorkflowEvent): void;
  /**
   * One schema-constrained model call: output cleaned of thinking text,
   * validated, repaired at most twice; usage and timings are counted for the
   * draft's provenance and text deltas are forwarded as `text-delta` events.
   */
  generate(messages: readonly ChatMessage[], options: { schema: JsonSchema; maxTokens: number; stage?: string }): Promise<unknown>;
}

export interface WorkflowOutput<Content> {
  content: Content;
  findings: Finding[];
  /** Provenance only the workflow knows (imaging-read: the image's SHA-256 and its preprocessing), added to the draft's. */
  provenance?: Pick<Provenance, 'image'>;
}

export interface Workflow<Input, Content> {
  name: string;
  /** Bumped when the output shape or behaviour changes. */
  version: string;
  /** What the input must be; errors name the field. */
  input: z.ZodType<Input>;
  /**
   * JSON Schema of `Content` (content-schema.ts): the runner checks the
   * content `run` returns against it, and the clinical API checks every edit,
   * amendment and signature against the same object.
   */
  content: JsonSchema;
  prompt: PromptTemplate;
  /** Language of the output, for the guards (default en). */
  languageOf?(input: Input): Language;
  /**
   * Limitations of this task that the model card states beyond its general
   * ones (imaging-read: evaluated on single images), added to every draft's
   * notice whatever model serves, so they cannot depend on catalog matching.
   */
  limitations?: readonly string[];
  run(input: Input, context: WorkflowContext): Promise<WorkflowOutput<Content>>;
}

/** Erases the input/content types so workflows of different shapes share one registry. */
export type AnyWorkflow = Workflow<never, unknown> & { input: z.ZodType };
