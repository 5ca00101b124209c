/** The OpenAI-compatible backend: the site's own vLLM, llama.cpp server, Ollama or LM Studio. */
export { createOpenAiChatModel, type OpenAiChatModel } from './openai-chat-model.ts';
export { defaultOpenAiChatModelOptions, type BalanceStrategy, type OpenAiChatModelOptions } from './options.ts';
export { defaultAllowList } from './allow-list.ts';
export type { UpstreamStatus } from './upstream-pool.ts';
