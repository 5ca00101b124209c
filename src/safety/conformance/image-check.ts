/**
 * Image input actually used: quantised community builds have been seen to
 * drop the vision projector and answer from the text alone (catalog note,
 * REFERENCE.md §7). A white and a black square with the same question must not
 * give identical answers. Text-only models skip the check.
 */
import { isNorthstationError } from '../../core/errors.ts';
import type { ChatMessage } from '../../engine/chat-model.ts';
import { excerpt, type CheckContext } from './check-context.ts';
import type { CheckResult } from './report.ts';
import { solidPng } from './solid-png.ts';

export const imageCheckId = 'image-input-used';

const question = 'Describe this image in one short sentence: its colour and what it shows.';

export async function checkImageInput(context: CheckContext): Promise<CheckResult> {
  const model = context.modelFor(imageCheckId);
  const base = { id: imageCheckId, title: 'Image input actually used' };
  if (!model.capabilities.image) {
    return { ...base, status: 'skip', measured: null, threshold: null, reason: 'the model does not declare image input', details: {} };
  }
  const images = { white: solidPng(64, 255), black: solidPng(64, 0) };
  const answers: Record<string, string> = {};
  try {
    for (const [index, [name, data]] of Object.entries(images).entries()) {
      context.progress(imageCheckId, index, 2);
      const messages: ChatMessage[] = [{ role: 'user', content: [{ type: 'image', data, mimeType: 'image/png' }, { type: 'text', text: question }] }];
      answers[name] = (await model.generate(messages, { maxTokens: 48, temperature: 0 })).text;
    }
  } catch (error) {
    if (!isNorthstationError(error) || error.code === 'aborted') throw error;
    return { ...base, status: 'fail', measured: null, threshold: 'different answers for different images', reason: `the model refused an image: ${error.code}: ${error.message}`, details: {} };
  }
  context.progress(imageCheckId, 2, 2);
  const differ = answers.white !== answers.black;
  return {
    ...base,
    status: differ ? 'pass' : 'fail',
    measured: differ ? 'answers differ' : 'answers identical',
    threshold: 'different answers for a white and a black square',
    ...(differ ? {} : { reason: 'the same answer for two different images: the image is probably not reaching the model' }),
    details: { white: excerpt(answers.white ?? ''), black: excerpt(answers.black ?? '') },
  };
}
