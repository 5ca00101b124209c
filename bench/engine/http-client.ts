/** Streams one chat completion over HTTP and times it from the client's side. */
export interface HttpDecodeResult {
  completionTokens: number;
  timeToFirstTokenMs: number;
  decodeTokensPerSecond: number;
}

export async function streamChatCompletion(baseUrl: string, body: Record<string, unknown>): Promise<HttpDecodeResult> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stream: true, stream_options: { include_usage: true }, ...body }),
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
  let firstAt = 0;
  let lastAt = 0;
  let completionTokens = 0;
  let buffered = '';
  for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    const events = buffered.split('\n\n');
    buffered = events.pop() ?? '';
    for (const event of events) {
      const data = event.replace(/^data: /, '');
      if (data === '[DONE]') continue;
      const parsed = JSON.parse(data) as { choices?: { delta?: { content?: string } }[]; usage?: { completion_tokens: number } | null };
      if (parsed.choices?.[0]?.delta?.content) {
        lastAt = performance.now();
        if (firstAt === 0) firstAt = lastAt;
      }
      if (parsed.usage) completionTokens = parsed.usage.completion_tokens;
    }
  }
  return {
    completionTokens,
    timeToFirstTokenMs: firstAt - started,
    decodeTokensPerSecond: (completionTokens - 1) / ((lastAt - firstAt) / 1000),
  };
}
