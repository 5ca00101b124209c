/**
 * Server-Sent Events parsing for `POST /api/drafts` with
 * `Accept: text/event-stream` (EventSource cannot POST or send a bearer token,
 * so the UI reads the fetch body itself). Pure: tested in Node.
 */

export interface ServerEvent {
  event: string;
  data: string;
}

/**
 * Feeds chunks of an event stream in, gets complete events out. Events end
 * at a blank line; a chunk may end anywhere, even inside a line.
 */
export class EventStreamParser {
  #buffer = '';

  push(chunk: string): ServerEvent[] {
    this.#buffer += chunk.replace(/\r\n?/g, '\n');
    const events: ServerEvent[] = [];
    let boundary = this.#buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = this.#buffer.slice(0, boundary);
      this.#buffer = this.#buffer.slice(boundary + 2);
      const parsed = parseBlock(block);
      if (parsed !== undefined) events.push(parsed);
      boundary = this.#buffer.indexOf('\n\n');
    }
    return events;
  }
}

function parseBlock(block: string): ServerEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? undefined : { event, data: data.join('\n') };
}
