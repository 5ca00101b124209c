/** XHTML narrative for FHIR `text` and `section.text`: every piece of input text escaped. */
import type { Narrative } from './types.ts';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for XHTML and drops characters XML 1.0 cannot carry (controls other than tab, newline, return). */
export function escapeXhtml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (character) => escapes[character] ?? character);
}

/** A block of the narrative: a paragraph, or a heading with a list of items. */
export type NarrativeBlock = { paragraph: string } | { heading: string; items: string[] };

export function narrative(blocks: NarrativeBlock[], language?: string): Narrative {
  const body = blocks
    .map((block) => {
      if ('paragraph' in block) return `<p>${escapeXhtml(block.paragraph)}</p>`;
      if (block.items.length === 0) return '';
      const items = block.items.map((item) => `<li>${escapeXhtml(item)}</li>`).join('');
      return `${block.heading === '' ? '' : `<p><b>${escapeXhtml(block.heading)}</b></p>`}<ul>${items}</ul>`;
    })
    .join('');
  const lang = language === undefined ? '' : ` xml:lang="${escapeXhtml(language)}" lang="${escapeXhtml(language)}"`;
  return { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml"${lang}>${body}</div>` };
}
