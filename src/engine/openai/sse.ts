/**
 * Server-sent events from bytes. Network packets split lines, events and even
 * UTF-8 characters anywhere, so bytes are decoded as a stream and only whole
 * lines are interpreted (https://html.spec.whatwg.org/#event-stream-interpretation).
 */
import { NorthstationError } from '../../core/errors.ts';

export interface SseEvent {
  /** The `event:` field; `message` when absent. */
  event: string;
  /** `data:` lines joined with newlines. */
  data: string;
}

/** Longest line accepted; a stream without line breaks is not an event stream. */
const maxLineChars = 4 * 1024 * 1024;
/** Largest event (its data lines together); an upstream that never ends an event must not exhaust memory. */
const maxEventChars = 8 * 1024 * 1024;

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';
  private eventName = '';
  private dataLines: string[] = [];
  private dataChars = 0;
  private readonly host: string;

  /** `host` names the upstream in errors. */
  constructor(host: string) {
    this.host = host;
  }

  /** Feeds bytes; returns the events they completed. */
  push(bytes: Uint8Array): SseEvent[] {
    return this.consume(this.decoder.decode(bytes, { stream: true }), false);
  }

  /** Ends the stream; returns an event left without its closing blank line. */
  end(): SseEvent[] {
    return this.consume(this.decoder.decode(), true);
  }

  private consume(text: string, final: boolean): SseEvent[] {
    this.pending += text;
    const events: SseEvent[] = [];
    const lineBreak = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = lineBreak.exec(this.pending); match; match = lineBreak.exec(this.pending)) {
      // A lone \r at the end of the buffer may be the first half of \r\n.
      if (match[0] === '\r' && lineBreak.lastIndex === this.pending.length && !final) break;
      this.line(this.pending.slice(start, match.index), events);
      start = lineBreak.lastIndex;
    }
    this.pending = this.pending.slice(start);
    if (this.pending.length > maxLineChars) {
      throw new NorthstationError('upstream_error', `upstream ${this.host} sent a stream line longer than ${maxLineChars} characters`, {
        upstream: this.host,
      });
    }
    if (final) {
      if (this.pending !== '') this.line(this.pending, events);
      this.pending = '';
      this.dispatch(events);
    }
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(':')) return; // comment, used as keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.dataChars += value.length + 1;
      if (this.dataChars > maxEventChars) {
        throw new NorthstationError('upstream_error', `upstream ${this.host} sent a stream event larger than ${maxEventChars} characters`, {
          upstream: this.host,
        });
      }
      this.dataLines.push(value);
    }
    else if (field === 'event') this.eventName = value;
    // `id` and `retry` only matter to reconnecting browsers.
  }

  private dispatch(events: SseEvent[]): void {
    if (this.dataLines.length > 0) {
      events.push({ event: this.eventName || 'message', data: this.dataLines.join('\n') });
    }
    this.dataLines = [];
    this.dataChars = 0;
    this.eventName = '';
  }
}
