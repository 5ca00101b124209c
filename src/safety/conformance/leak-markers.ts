/**
 * The conformance gate's own detector of thinking and chat-template text,
 * independent of the cleaner it checks: Gemma turn and image tokens, the
 * <unusedNN> tokens MedGemma 27B wraps its thinking in, <think> tags, and the
 * <|…|> / [INST] tokens of other templates an upstream may leak.
 */
const markers = /<\/?think(?:ing)?>|<unused\d+>|<(?:start|end)_of_(?:turn|image)>|<(?:bos|eos|pad)>|<\|[a-z_]+\|>|\[\/?INST\]/i;

export function hasLeakMarker(text: string): boolean {
  return markers.test(text);
}
