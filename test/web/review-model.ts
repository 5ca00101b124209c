/**
 * A clinician-realistic stand-in for MedGemma in the review tests: it reads
 * the prompt it is given and answers as a model would, so the real workflows
 * and safety review run on its output. The tiny synthetic model writes noise
 * that is never grounded and never says "pneumonia"; this one quotes the
 * transcript (grounded statements to highlight), asserts a diagnosis (to be
 * hedged), orders a drug (to be flagged), reads images (vision declared) and
 * summarises a record citing the resources it was shown.
 */
import type { ChatMessage, ChatModel, GenerateOptions, GenerateResult, ModelCapabilities, ModelInfo } from '../../src/engine/chat-model.ts';
import { parseJsonOutput } from '../../src/engine/json-output.ts';

export const groundedQuote = 'i have been having chest pain';

export class ReviewModel implements ChatModel {
  readonly info: ModelInfo = { id: 'review-test-model', backend: 'llama', synthetic: true, contextSize: 8192, details: {} };
  readonly capabilities: ModelCapabilities = { text: true, image: true, jsonSchema: true, lora: false };

  generate(messages: readonly ChatMessage[], options: GenerateOptions = {}): Promise<GenerateResult> {
    const properties = Object.keys((options.jsonSchema as { properties?: object } | undefined)?.properties ?? {});
    const prompt = messages.map((message) => (typeof message.content === 'string' ? message.content : message.content.map((part) => (part.type === 'text' ? part.text : '')).join(''))).join('\n');
    let text: string;
    if (properties.includes('subjective')) text = JSON.stringify(soapAnswer(prompt));
    else if (properties.includes('impression')) {
      text = JSON.stringify({
        findings: 'Patchy opacity in the right lower zone.',
        impression: 'The patient has pneumonia.',
        ...(properties.includes('answer') ? { answer: 'This is pneumonia. Start amoxicillin 500 mg three times daily.' } : {}),
      });
    } else if (properties.includes('problems')) text = JSON.stringify(historyAnswer(prompt, properties));
    else text = '{}';
    options.onTextDelta?.(text);
    return Promise.resolve({
      text,
      parsed: options.jsonSchema ? parseJsonOutput(text, options.jsonSchema) : undefined,
      finishReason: 'stop',
      usage: { promptTokens: prompt.length / 4, completionTokens: text.length / 4, cachedPromptTokens: 0 },
      timings: { timeToFirstTokenMs: 1, totalMs: 2, decodeTokensPerSecond: 100 },
    });
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}

function soapAnswer(prompt: string): Record<string, unknown> {
  const quoted = prompt.toLowerCase().includes(groundedQuote);
  return {
    chiefComplaint: 'Chest pain',
    subjective: quoted ? ['The patient reports that I have been having chest pain.'] : [],
    objective: ['Blood pressure is 210/120 on the monitor.'],
    assessment: ['The patient has pneumonia.'],
    plan: ['Start amoxicillin 500 mg three times daily.'],
    medications: [],
    allergies: [],
  };
}

/** Each section empty but problems: the first Condition line of the record, cited by its id. */
function historyAnswer(prompt: string, sections: readonly string[]): Record<string, unknown> {
  const answer: Record<string, unknown> = Object.fromEntries(sections.map((section) => [section, []]));
  const condition = /^(Condition\/[\w.-]+): ([^;\n]+)/m.exec(prompt);
  if (condition?.[1] !== undefined && condition[2] !== undefined) answer.problems = [{ text: condition[2].trim(), sources: [condition[1]] }];
  return answer;
}
