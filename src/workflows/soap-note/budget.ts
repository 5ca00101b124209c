/**
 * How much transcript one model call can take: the model's context minus the
 * fixed prompt, the output budget and the chat template's own tokens. Tokens
 * are estimated from characters (no tokenizer in the ChatModel contract), at
 * 3.5 characters a token unless a measurement says the model's tokenizer packs
 * text less densely (a synthetic vocabulary spends ~2).
 */

/** Assumed when the backend does not say (a site server usually runs MedGemma at 8k or more). */
export const defaultContextTokens = 8192;
export const defaultCharsPerToken = 3.5;
/** Turn headers, begin-of-text and the like that the chat template adds around the messages. */
export const templateOverheadTokens = 48;
/** Below this a chunk holds too little dialogue to extract anything useful. */
export const minChunkChars = 200;

/** A third of the context for the answer, within bounds a grammar-bound model finishes in. */
export function outputTokensFor(contextTokens: number): number {
  return Math.max(96, Math.min(2048, Math.floor(contextTokens * 0.3)));
}

/** Transcript characters that fit one call, or ≤ 0 when the fixed prompt and output alone fill the context. */
export function transcriptCharsPerCall(contextTokens: number, fixedPromptChars: number, charsPerToken: number): number {
  const room = contextTokens - outputTokensFor(contextTokens) - templateOverheadTokens - Math.ceil(fixedPromptChars / charsPerToken);
  return Math.floor(room * charsPerToken);
}

/** From a measured prompt (characters sent, tokens the model counted): a safe ratio, never above the default. */
export function measuredCharsPerToken(promptChars: number, promptTokens: number): number {
  if (!(promptTokens > 0)) return defaultCharsPerToken;
  // 10 % margin: the measured sample may pack more densely than the rest of the transcript.
  return Math.min(defaultCharsPerToken, (promptChars / promptTokens) * 0.9);
}
