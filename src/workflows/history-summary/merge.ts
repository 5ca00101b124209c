/**
 * The reduce step, in code: each map answer is folded in as it arrives, so
 * only the rendered facts and the merged items stay in memory, never the
 * chunks' answers. Citations are checked against the facts (the model may
 * invent ids); two items are merged only when they cite exactly the same
 * resources or say the same thing (normalised wording); otherwise both are
 * kept. For results only the latest per test is kept. Whenever a merge or that
 * rule discards an item's wording or an item, a finding says so.
 */
import type { Finding } from '../../safety/finding.ts';
import { wholeTextFinding } from '../reviewed-text.ts';
import { sections, type MapAnswer, type MapItem, type Section } from './prompt.ts';
import type { RenderedFact } from './render.ts';

export interface MergedItem {
  text: string;
  sources: string[];
  /** Latest date among the cited resources (from the record, not the model). */
  date?: string;
  /** Findings about this item's citations (invented ids removed). */
  findings: Finding[];
}

interface Entry {
  text: string;
  /** Normalised wording. */
  norm: string;
  /** The cited ids as one string, sorted, as they were when the item was added. */
  sourceKey: string;
  /** The tested concept (results only). */
  testKey: string | undefined;
  sources: Set<string>;
  date: string;
  findings: Finding[];
}

class SectionMerge {
  readonly #entries: Entry[] = [];
  readonly #section: Section;
  readonly #latestOnly: boolean;
  readonly #facts: ReadonlyMap<string, RenderedFact>;
  /** Draft-level findings about wording or items merged away or left out. */
  readonly #notes: Finding[];

  constructor(section: Section, facts: ReadonlyMap<string, RenderedFact>, latestOnly: boolean, notes: Finding[]) {
    this.#section = section;
    this.#facts = facts;
    this.#latestOnly = latestOnly;
    this.#notes = notes;
  }

  add(text: string, sources: readonly string[], findings: Finding[]): void {
    const date = sources.map((id) => this.#facts.get(id)?.date ?? '').reduce((a, b) => (b > a ? b : a), '');
    const norm = normalise(text);
    const sourceKey = sourceKeyOf(sources);
    const testKey = this.#latestOnly ? sources.map((id) => this.#facts.get(id)?.codeKey).find((code) => code !== undefined) : undefined;
    const entry: Entry = { text, norm, sourceKey, testKey, sources: new Set(sources), date, findings };
    const index = this.#entries.findIndex((existing) => existing.sourceKey === sourceKey || existing.norm === norm || sourceKeyOf([...existing.sources]) === sourceKey);
    const sameTest = testKey === undefined ? -1 : this.#entries.findIndex((existing) => existing.testKey === testKey);
    if (this.#latestOnly && index === -1 && sameTest !== -1) {
      // Another result of the same test: only the latest is kept, and the one left out is reported.
      const existing = this.#entries[sameTest] as Entry;
      if (date > existing.date) {
        this.#entries[sameTest] = entry;
        this.#note(existing, `Left out of the ${this.#section} summary: an older result of the same test (${list([...existing.sources])}); the newer “${excerpt(text)}” is listed instead. Check the record if the trend matters.`);
      } else {
        this.#note(entry, `Left out of the ${this.#section} summary: a result of the same test (${list(sources)}) no newer than “${excerpt(existing.text)}”, which is listed instead. Check the record if the trend matters.`);
      }
      return;
    }
    if (index === -1) {
      this.#entries.push(entry);
      return;
    }
    const existing = this.#entries[index] as Entry;
    if (this.#latestOnly && date > existing.date) {
      // The same result reported again with a newer resource: the newer one replaces the older.
      this.#entries[index] = entry;
      this.#note(existing, `Left out of the ${this.#section} summary: replaced by the newer “${excerpt(text)}” (${list(sources)}), which it duplicates. Check the record.`);
      return;
    }
    const added = sources.filter((id) => !existing.sources.has(id));
    if (norm !== existing.norm) {
      this.#note(entry, `Merged into “${excerpt(existing.text)}” in the ${this.#section} summary: both cite ${list([...existing.sources])}; this wording is not shown. Check that the listed item says what the record does.`);
    } else if (added.length > 0) {
      this.#note(entry, `Merged into “${excerpt(existing.text)}” in the ${this.#section} summary (same wording); its citation${added.length > 1 ? 's' : ''} ${list(added)} ${added.length > 1 ? 'were' : 'was'} added to that item.`);
    }
    for (const id of added) existing.sources.add(id);
    existing.findings.push(...findings);
    if (date > existing.date) existing.date = date;
  }

  #note(entry: Pick<Entry, 'text'>, message: string): void {
    this.#notes.push(wholeTextFinding(entry.text, message));
  }

  items(): MergedItem[] {
    return [...this.#entries]
      .sort((a, b) => b.date.localeCompare(a.date) || a.text.localeCompare(b.text))
      .map((entry) => ({ text: entry.text, sources: [...entry.sources].sort(), ...(entry.date === '' ? {} : { date: entry.date }), findings: entry.findings }));
  }
}

function sourceKeyOf(sources: readonly string[]): string {
  return [...sources].sort().join('\n');
}

function excerpt(text: string): string {
  return text.slice(0, 100);
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export class SummaryMerge {
  readonly #sections: Record<Section, SectionMerge>;
  readonly #facts: ReadonlyMap<string, RenderedFact>;
  /** Findings about items left out or merged away (every citation invented, a duplicate, an older result). */
  readonly findings: Finding[] = [];

  constructor(facts: ReadonlyMap<string, RenderedFact>) {
    this.#facts = facts;
    this.#sections = Object.fromEntries(sections.map((section) => [section, new SectionMerge(section, facts, section === 'recentResults', this.findings)])) as Record<Section, SectionMerge>;
  }

  add(answer: MapAnswer): void {
    for (const section of sections) for (const item of answer[section]) this.#addItem(section, item);
  }

  #addItem(section: Section, item: MapItem): void {
    const text = item.text.trim();
    if (text === '') return;
    const cited = [...new Set(item.sources.map((id) => id.trim()))];
    const known = cited.filter((id) => this.#facts.has(id));
    const invented = cited.filter((id) => !this.#facts.has(id));
    if (known.length === 0) {
      this.findings.push(wholeTextFinding(text, `Left out of the ${section} summary: it cites ${list(invented)}, not in the bundle; the model may have invented the reference. Check the record.`));
      return;
    }
    const findings = invented.length === 0 ? [] : [wholeTextFinding(text, `Citation${invented.length > 1 ? 's' : ''} ${list(invented)} removed: not in the bundle (the model may have invented ${invented.length > 1 ? 'them' : 'it'}).`)];
    this.#sections[section].add(text, known, findings);
  }

  result(): Record<Section, MergedItem[]> {
    return Object.fromEntries(sections.map((section) => [section, this.#sections[section].items()])) as Record<Section, MergedItem[]>;
  }
}

function list(ids: readonly string[]): string {
  return ids.map((id) => `“${id.slice(0, 100)}”`).join(', ');
}
