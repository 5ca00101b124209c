/**
 * Image input actually used: quantised community builds have been seen to
 * drop the vision projector and answer from the text alone (catalog note,
 * REFERENCE.md §7), and a projector meant for another model loads without a
 * word yet feeds the model noise it ignores. Two different test images with
 * the same question, greedy and seeded, must not give identical answers. The
 * first image is asked twice: a differing repeat means the backend is not
 * deterministic, which makes the comparison weaker but is no proof that the
 * image is ignored, so it is a warning, not a failure. Text-only models skip
 * the check.
 */
import { isNorthstationError } from '../../core/errors.ts';
import type { ChatMessage, GenerateOptions } from '../../engine/chat-model.ts';
import { pngFrom } from '../../engine/synthetic/png.ts';
import { excerpt, type CheckContext } from './check-context.ts';
import type { CheckResult } from './report.ts';

export const imageCheckId = 'image-input-used';

export const imageIgnoredReason = "the model's answers do not depend on the image: projector missing, mismatched or ignored";

const question = 'Describe this image in one short sentence: its colours and what it shows.';

/**
 * Generated, never patient data: a left-to-right red-to-blue ramp and green and
 * blue checks. They share no colour and no structure, so any model that sees
 * pixels answers them differently. 224 px is the smallest SigLIP input; larger
 * encoders upscale it.
 */
export const imageCheckImages = {
  ramp: pngFrom(224, 224, (x) => [x, 40, 255 - x]),
  checks: pngFrom(224, 224, (x, y) => (((x >> 4) + (y >> 4)) % 2 === 0 ? [0, 200, 90] : [20, 20, 220])),
} as const;

/** Greedy and seeded: backends that sample even at temperature 0 draw the same numbers each time. */
const settings = { maxTokens: 48, temperature: 0, seed: 7 } as const satisfies GenerateOptions;

export async function checkImageInput(context: CheckContext): Promise<CheckResult> {
  const model = context.modelFor(imageCheckId);
  const base = { id: imageCheckId, title: 'Image input actually used' };
  if (!model.capabilities.image) {
    return { ...base, status: 'skip', measured: null, threshold: null, reason: 'not applicable: the model does not declare image input', details: {} };
  }
  // The repeat comes straight after the first ask, so it also sees a warm prompt cache, as a second question would.
  const asks = [['ramp', imageCheckImages.ramp], ['ramp (again)', imageCheckImages.ramp], ['checks', imageCheckImages.checks]] as const;
  const answers: string[] = [];
  try {
    for (const [index, [, data]] of asks.entries()) {
      context.progress(imageCheckId, index, asks.length);
      const messages: ChatMessage[] = [{ role: 'user', content: [{ type: 'image', data, mimeType: 'image/png' }, { type: 'text', text: question }] }];
      answers.push((await model.generate(messages, settings)).text);
    }
  } catch (error) {
    if (!isNorthstationError(error) || error.code === 'aborted') throw error;
    return { ...base, status: 'fail', measured: null, threshold: 'different answers for different images', reason: `the model refused an image: ${error.code}: ${error.message}`, details: {} };
  }
  context.progress(imageCheckId, asks.length, asks.length);
  const [first = '', repeat = '', other = ''] = answers;
  const differ = first !== other;
  const repeatable = first === repeat;
  return {
    ...base,
    status: differ ? 'pass' : 'fail',
    measured: differ ? 'answers differ' : 'answers identical',
    threshold: 'different answers for two different images (temperature 0, fixed seed)',
    ...(differ ? {} : { reason: imageIgnoredReason }),
    details: { ramp: excerpt(first), rampAgain: excerpt(repeat), checks: excerpt(other), repeatIdentical: repeatable },
    ...(repeatable ? {} : { warnings: ['the same image asked twice gave different answers at temperature 0 with a fixed seed: the backend is not deterministic, so "answers differ" is weaker evidence that the image is seen'] }),
  };
}
