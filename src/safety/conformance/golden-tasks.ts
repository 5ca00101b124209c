/**
 * The golden schema tasks: one per workflow output shape (issue 5), each a
 * short, invented vignette (no patient data) and a bounded JSON schema. A model
 * conforms when every task yields output that validates. Workflows add their
 * own task here when their output schema settles, so the gate checks the
 * shapes that will actually be served.
 *
 * Schemas stay inside what both llama.cpp grammars and OpenAI-compatible
 * servers accept (every property required, no extra properties, enums, string
 * and array bounds), and the bounds keep a runaway model's output finite.
 */
import type { ChatMessage, JsonSchema } from '../../engine/chat-model.ts';

export interface GoldenTask {
  id: string;
  /** The workflow whose output this task imitates. */
  workflow: string;
  messages: readonly ChatMessage[];
  schema: JsonSchema;
  /** Enough for a well-behaved model to finish; a grammar-bound one cannot exceed the schema's bounds. */
  maxTokens: number;
}

const text = (maxLength: number): JsonSchema => ({ type: 'string', minLength: 1, maxLength });
const list = (items: JsonSchema, maxItems: number, minItems = 0): JsonSchema => ({ type: 'array', items, minItems, maxItems });
const object = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

const system = (task: string): ChatMessage => ({
  role: 'system',
  content: `You are a clinical documentation assistant. ${task} Use hedged language; a clinician reviews every draft. Answer with JSON only.`,
});

const statement = object({ text: text(160) });

export const goldenTasks: readonly GoldenTask[] = [
  {
    id: 'soap-note',
    workflow: 'soap-note',
    messages: [
      system('Write a SOAP note from the encounter transcript.'),
      {
        role: 'user',
        content:
          '[doctor] What brings you in today?\n[patient] I have had a cough and a fever for three days.\n' +
          '[doctor] Any shortness of breath?\n[patient] A little when I climb stairs. I take lisinopril 10 mg daily. I am allergic to penicillin.\n' +
          '[doctor] Your temperature is 38.4, pulse 96, oxygen saturation 95 percent on room air. I hear crackles at the right base.',
      },
    ],
    schema: object({
      chiefComplaint: text(120),
      subjective: list(statement, 5, 1),
      objective: list(statement, 5, 1),
      assessment: list(statement, 4, 1),
      plan: list(statement, 4, 1),
      medications: list(text(80), 6),
      allergies: list(text(80), 4),
    }),
    maxTokens: 1536,
  },
  {
    id: 'triage',
    workflow: 'triage',
    messages: [
      system('Suggest a Canadian Triage and Acuity Scale (CTAS) level, 1 most urgent to 5 least, for the triage note.'),
      { role: 'user', content: 'Triage note: 67-year-old with crushing central chest pain for 40 minutes, sweating. HR 112, BP 98/60, RR 22, SpO2 93%.' },
    ],
    schema: object({
      ctasLevel: { enum: [1, 2, 3, 4, 5] },
      modifiers: list(text(80), 4),
      rationale: text(240),
    }),
    maxTokens: 384,
  },
  {
    id: 'differential',
    workflow: 'differential',
    messages: [
      system('List a ranked differential for the case, with supporting and opposing findings and red flags to exclude urgently.'),
      { role: 'user', content: 'Case: 34-year-old with sudden pleuritic chest pain and breathlessness after a long flight; HR 108, SpO2 94%, clear chest.' },
    ],
    schema: object({
      differential: list(
        object({ condition: text(80), supporting: list(text(100), 3), opposing: list(text(100), 3) }),
        4,
        1,
      ),
      redFlags: list(text(100), 4),
    }),
    maxTokens: 1024,
  },
  {
    id: 'contraindications',
    workflow: 'contraindications',
    messages: [
      system('List potential contraindications and interactions of the proposed medication to check, each tied to the input.'),
      { role: 'user', content: 'Proposed: ibuprofen 400 mg. Medications: warfarin, lisinopril. Allergies: none known. Conditions: chronic kidney disease stage 3.' },
    ],
    schema: object({
      items: list(
        object({ concern: text(120), severity: { enum: ['low', 'moderate', 'high'] }, basedOn: text(80) }),
        4,
      ),
    }),
    maxTokens: 640,
  },
  {
    id: 'history-summary',
    workflow: 'history-summary',
    messages: [
      system('Summarise the patient record into a problem list, medications, allergies and recent results.'),
      {
        role: 'user',
        content:
          'Conditions: type 2 diabetes (2015), hypertension (2018). Medications: metformin 500 mg twice daily, amlodipine 5 mg daily. ' +
          'Allergies: sulfonamides. Results: HbA1c 7.9% (last month), eGFR 68 (last month).',
      },
    ],
    schema: object({
      problems: list(text(80), 5),
      medications: list(text(80), 5),
      allergies: list(text(60), 3),
      recentResults: list(object({ name: text(40), value: text(40) }), 4),
    }),
    maxTokens: 768,
  },
];
