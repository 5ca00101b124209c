/**
 * Finds instructions smuggled into source text (transcripts, notes, FHIR
 * narrative, DICOM text): phrases addressed to the model, chat-template
 * tokens, fake turns, base64 payloads and invisible Unicode. Findings are
 * reported to the clinician; the source still goes to the model as delimited
 * data (injection.ts), so detection never changes what a workflow does.
 */
import { findingAt, type Finding, type Language } from './finding.ts';
import { injectionPatterns, type InjectionKind, type PatternView } from './injection-patterns.ts';
import { lettersOnly, originalSpan, textView, type TextView } from './text-view.ts';

export interface DetectInjectionOptions {
  /** Language of the finding messages; patterns of both languages always run (Canadian sources mix them). Default: 'en'. */
  language?: Language;
}

interface Span {
  kind: InjectionKind;
  start: number;
  end: number;
}

// Invisible text: Unicode tag characters (ASCII smuggling), bidirectional overrides,
// zero-width characters splitting a word or strung together as a binary code.
const hiddenUnicode = [
  /(?:\uDB40[\uDC00-\uDC7F])+/g,
  /[\u202A-\u202E\u2066-\u2069]+/g,
  /(?<=\p{L})[\u200B-\u200D\u2060\uFEFF]+(?=\p{L})/gu,
  /[\u200B-\u200D\u2060\uFEFF]{3,}/g,
];

/** "i.g.n.o.r.e", "ig-nore", "i g n o r e": letters split by punctuation, or single letters in a row. */
const splitWords = /\p{L}[^\p{L}\s']+\p{L}|(?:^|\s)\p{L}\s+\p{L}\s/u;

const base64Run = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/=_-])/g;
const printable = /^[\x20-\x7E\t\r\n]*$/;

export function detectInjections(text: string, options: DetectInjectionOptions = {}): Finding[] {
  const language = options.language ?? 'en';
  const spans = [...phraseSpans(text), ...rawSpans(text, hiddenUnicode, 'hidden-unicode'), ...encodedSpans(text)];
  return mergeSpans(text, spans).map((span) => findingAt(text, 'injection', span.start, span.end, messageFor(span.kind, language)));
}

function phraseSpans(text: string): Span[] {
  const phrase = textView(text, { leet: true, stripTags: true });
  const views: Record<PatternView, TextView> = { phrase, token: textView(text), letters: lettersOnly(phrase) };
  const spans: Span[] = [];
  for (const { kind, view, pattern } of injectionPatterns) {
    const target = views[view];
    pattern.lastIndex = 0;
    for (let match = pattern.exec(target.text); match; match = pattern.exec(target.text)) {
      if (match[0].length === 0) {
        pattern.lastIndex += 1;
        continue;
      }
      const [start, end] = originalSpan(target, match.index, match.index + match[0].length);
      // The letters-only view joins words, so it speaks only where the words were really split up.
      if (view === 'letters' && !splitWords.test(text.slice(start, end))) continue;
      spans.push({ kind, start, end });
    }
  }
  return spans;
}

function rawSpans(text: string, patterns: readonly RegExp[], kind: InjectionKind): Span[] {
  const spans: Span[] = [];
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      spans.push({ kind, start: match.index, end: match.index + match[0].length });
    }
  }
  return spans;
}

/** Base64 runs that decode to readable text holding an instruction; attachments and hashes decode to bytes and pass. */
function encodedSpans(text: string): Span[] {
  const spans: Span[] = [];
  base64Run.lastIndex = 0;
  for (let match = base64Run.exec(text); match; match = base64Run.exec(text)) {
    const decoded = decodeBase64(match[0]);
    if (decoded === undefined || !decoded.includes(' ') || !printable.test(decoded)) continue;
    if (phraseSpans(decoded).length > 0) spans.push({ kind: 'encoded', start: match.index, end: match.index + match[0].length });
  }
  return spans;
}

function decodeBase64(run: string): string | undefined {
  const standard = run.replaceAll('-', '+').replaceAll('_', '/').replace(/=+$/, '');
  if (standard.length % 4 === 1) return undefined;
  try {
    return atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
  } catch {
    return undefined;
  }
}

/** Overlapping spans become one finding (the earliest span's kind), trimmed of surrounding white space. */
function mergeSpans(text: string, spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  for (const span of merged) {
    while (span.start < span.end && /\s/.test(text[span.start] ?? '')) span.start += 1;
    while (span.end > span.start && /\s/.test(text[span.end - 1] ?? '')) span.end -= 1;
  }
  return merged.filter((span) => span.end > span.start);
}

const what: Record<InjectionKind, Record<Language, string>> = {
  override: { en: "an instruction to ignore the model's instructions", fr: "une consigne d'ignorer les instructions du modèle" },
  'system-prompt': { en: 'a request about the system prompt', fr: "une demande visant l'invite système" },
  role: { en: "an attempt to change the model's role (role-play or jailbreak)", fr: 'une tentative de changer le rôle du modèle (jeu de rôle ou contournement)' },
  'addressed-to-ai': { en: 'instructions addressed to the AI', fr: "des instructions adressées à l'IA" },
  'sign-off': { en: 'an instruction to sign, finalise or skip review of the note', fr: 'une consigne de signer, finaliser ou ne pas réviser la note' },
  certainty: { en: 'an instruction to state a diagnosis as certain', fr: 'une consigne de présenter un diagnostic comme certain' },
  omission: { en: 'an instruction to leave information out', fr: "une consigne d'omettre des informations" },
  'output-control': { en: "an instruction dictating the model's output", fr: 'une consigne imposant la sortie du modèle' },
  'template-token': { en: 'a chat-template control token', fr: 'un jeton de contrôle de gabarit de conversation' },
  'fake-turn': { en: 'a fake system or assistant turn', fr: 'un faux tour système ou assistant' },
  'boundary-marker': { en: 'a fake source-data boundary marker', fr: 'un faux marqueur de limite des données source' },
  encoded: { en: 'an instruction hidden in base64', fr: 'une instruction cachée en base64' },
  'hidden-unicode': { en: 'hidden or direction-changing Unicode characters', fr: 'des caractères Unicode cachés ou inversant le sens du texte' },
};

function messageFor(kind: InjectionKind, language: Language): string {
  return language === 'fr'
    ? `Injection d'instructions possible dans la source : ${what[kind].fr}. La source a été transmise au modèle comme données et cette consigne n'a pas été suivie ; vérifiez la source.`
    : `Possible prompt injection in the source: ${what[kind].en}. The source was passed to the model as data and this was not followed; check the source.`;
}
