/**
 * The reduce step, in code: each map answer is folded in as it arrives, so
 * only the rendered facts and the merged items stay in memory, never the
 * chunks' answers. Citations are checked against the facts (the model may
 * invent ids); items are deduplicated by the resources they cite and by their
 * wording; for results only the latest per test is kept.
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
  sources: Set<string>;
  date: string;
  findings: Finding[];
}

class SectionMerge {
  readonly #entries = new Map<string, Entry>();
  /** Which entry already cites a resource: a resource appears once per section. */
  readonly #keyBySource = new Map<string, string>();
  readonly #latestOnly: boolean;
  readonly #facts: ReadonlyMap<string, RenderedFact>;

  constructor(facts: ReadonlyMap<string, RenderedFact>, latestOnly: boolean) {
    this.#facts = facts;
    this.#latestOnly = latestOnly;
  }

  add(text: string, sources: readonly string[], findings: Finding[]): void {
    const date = sources.map((id) => this.#facts.get(id)?.date ?? '').reduce((a, b) => (b > a ? b : a), '');
    const key = this.#keyFor(text, sources);
    const existing = this.#entries.get(key);
    if (!existing) {
      this.#entries.set(key, { text, sources: new Set(sources), date, findings });
    } else if (this.#latestOnly && date > existing.date) {
      // A newer result of the same test replaces the older one rather than joining it.
      for (const id of existing.sources) this.#keyBySource.delete(id);
      this.#entries.set(key, { text, sources: new Set(sources), date, findings });
    } else if (!this.#latestOnly) {
      for (const id of sources) existing.sources.add(id);
      existing.findings.push(...findings);
      if (date > existing.date) existing.date = date;
    }
    for (const id of this.#entries.get(key)?.sources ?? []) this.#keyBySource.set(id, key);
  }

  #keyFor(text: string, sources: readonly string[]): string {
    for (const id of sources) {
      const key = this.#keyBySource.get(id);
      if (key !== undefined) return key;
    }
    const testKey = this.#latestOnly ? sources.map((id) => this.#facts.get(id)?.codeKey).find((code) => code !== undefined) : undefined;
    return testKey ?? `text:${normalise(text)}`;
  }

  items(): MergedItem[] {
    return [...this.#entries.values()]
      .sort((a, b) => b.date.localeCompare(a.date) || a.text.localeCompare(b.text))
      .map((entry) => ({ text: entry.text, sources: [...entry.sources].sort(), ...(entry.date === '' ? {} : { date: entry.date }), findings: entry.findings }));
  }
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export class SummaryMerge {
  readonly #sections: Record<Section, SectionMerge>;
  readonly #facts: ReadonlyMap<string, RenderedFact>;
  /** Findings about items left out entirely (every citation invented). */
  readonly findings: Finding[] = [];

  constructor(facts: ReadonlyMap<string, RenderedFact>) {
    this.#facts = facts;
    this.#sections = Object.fromEntries(sections.map((section) => [section, new SectionMerge(facts, section === 'recentResults')])) as Record<Section, SectionMerge>;
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
