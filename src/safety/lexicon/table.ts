/**
 * Lexicons are written as plain tables, one concept a line:
 *   concept: synonym, synonym, synonym
 * The concept matches itself too. Blank lines and lines starting with # are skipped.
 */
export function parseTable(table: string): [phrase: string, concept: string][] {
  const entries: [string, string][] = [];
  for (const line of table.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const colon = trimmed.indexOf(':');
    const concept = (colon < 0 ? trimmed : trimmed.slice(0, colon)).trim();
    entries.push([concept, concept]);
    if (colon < 0) continue;
    for (const synonym of trimmed.slice(colon + 1).split(',')) {
      const phrase = synonym.trim();
      if (phrase !== '') entries.push([phrase, concept]);
    }
  }
  return entries;
}
