/**
 * The conformance gate's own detector of thinking and chat-template text,
 * independent of the cleaner it checks: Gemma turn and image tokens, the
 * <unusedNN> tokens MedGemma 27B wraps its thinking in, <think> tags, and the
 * <|…|> / [INST] tokens of other templates an upstream may leak.
 */
import { angleTokenSource } from '../lexicon/model-tokens.ts';

const markers = new RegExp(`${angleTokenSource}|<\\|[a-z_]+\\|>|\\[\\/?INST\\]`, 'i');

export function hasLeakMarker(text: string): boolean {
  return markers.test(text);
}
