/**
 * Turns ChatMessages into the token prompt a Gemma model was trained on.
 *
 * The chat template comes from the model file itself (tokenizer.chat_template,
 * run by node-llama-cpp's Jinja wrapper), so the embedded backend renders what
 * llama-server and the model card render: Gemma has no system role and folds
 * the system prompt into the first user turn with a blank line. node-llama-cpp's
 * auto resolution would pick its built-in Gemma wrapper, which separates the
 * two with "---"; that wrapper remains the fallback for files without a
 * template. Message text is never parsed for special tokens, so a patient note
 * containing "<end_of_turn>" cannot end a turn.
 */
import {
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type LlamaModel,
  type LlamaText,
  type Token,
} from 'node-llama-cpp';
import { NorthstationError, badRequest } from '../../core/errors.ts';
import { textOf, type ChatMessage } from '../chat-model.ts';

/** Images need a vision projector, which node-llama-cpp 3.x cannot load. */
export function refuseImageParts(messages: readonly ChatMessage[]): void {
  const hasImage = messages.some(
    (message) => message.role === 'user' && typeof message.content !== 'string' && message.content.some((part) => part.type === 'image'),
  );
  if (hasImage) {
    throw new NorthstationError(
      'unsupported',
      'the embedded llama.cpp backend takes text only (node-llama-cpp 3.x has no image input); ' +
        'send images to a model served by llama-server with its vision projector (--mmproj) through the OpenAI-compatible backend',
    );
  }
}

/**
 * ChatMessages as node-llama-cpp chat history, ending in an open model turn.
 * Leading system messages become the system prompt; a system message later in
 * the conversation is passed as user text, because Gemma's template knows only
 * the user and model roles. A trailing assistant message is continued.
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  if (!messages.some((message) => message.role === 'user')) throw badRequest('a conversation needs at least one user message');
  const history: ChatHistoryItem[] = [];
  let seenTurn = false;
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        if (seenTurn) history.push({ type: 'user', text: message.content });
        else history.push({ type: 'system', text: message.content });
        break;
      case 'user':
        seenTurn = true;
        history.push({ type: 'user', text: textOf(message.content) });
        break;
      case 'assistant':
        seenTurn = true;
        history.push({ type: 'model', response: [message.content] });
        break;
      default:
        message satisfies never;
    }
  }
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

/** The model's own chat template when it has one, else node-llama-cpp's choice for the architecture. */
export function resolveModelChatWrapper(model: LlamaModel): ChatWrapper {
  const hasTemplate = (model.fileInfo.metadata.tokenizer.chat_template ?? '').trim() !== '';
  if (hasTemplate) {
    try {
      const wrapper = resolveChatWrapper({
        type: 'jinjaTemplate',
        fileInfo: model.fileInfo,
        tokenizer: model.tokenizer,
        bosString: model.tokens.bosString,
        warningLogs: false,
        fallbackToOtherWrappersOnJinjaError: false,
      });
      if (wrapper) return wrapper;
    } catch {
      // A template node-llama-cpp's Jinja engine cannot run: fall through to the built-in wrapper.
    }
  }
  return resolveChatWrapper(model, { warningLogs: false });
}

export interface RenderedPrompt {
  /** The prompt as the sequence will hold it (BOS included when the model wants one). */
  tokens: Token[];
  /** Text that ends the model's turn per the template (besides end-of-generation tokens). */
  stopTriggers: LlamaText[];
}

export function renderPrompt(model: LlamaModel, wrapper: ChatWrapper, messages: readonly ChatMessage[]): RenderedPrompt {
  let state: ReturnType<ChatWrapper['generateContextState']>;
  try {
    state = wrapper.generateContextState({ chatHistory: toChatHistory(messages) });
  } catch (error) {
    if (error instanceof NorthstationError) throw error;
    throw badRequest(`the model's chat template refused the conversation: ${(error as Error).message}`);
  }
  return { tokens: state.contextText.tokenize(model.tokenizer), stopTriggers: state.stopGenerationTriggers };
}

/** The prompt as plain text with special tokens spelled out; for tests and debugging, never for logs. */
export function renderPromptText(model: LlamaModel, wrapper: ChatWrapper, messages: readonly ChatMessage[]): string {
  return model.detokenize(renderPrompt(model, wrapper, messages).tokens, true);
}

/** node-llama-cpp's LlamaCompletion prepends BOS itself when the model wants one, so the input must not carry it too. */
export function withoutLeadingBos(model: LlamaModel, tokens: readonly Token[]): Token[] {
  const bos = model.tokens.bos;
  const prepends = model.tokens.shouldPrependBosToken && bos !== null;
  return prepends && tokens[0] === bos ? tokens.slice(1) : [...tokens];
}

/** The tokens a sequence holds after LlamaCompletion evaluates `input` (BOS prepended when the model wants one). */
export function asSequenceTokens(model: LlamaModel, input: readonly Token[]): Token[] {
  const bos = model.tokens.bos;
  return model.tokens.shouldPrependBosToken && bos !== null ? [bos, ...input] : [...input];
}

