/**
 * A history summary: each section's items with the record resources they
 * cite. Every citation opens the cited resource from the bundle the summary
 * was made from, so a claim can be checked against its source.
 */
import { useRef, useState } from 'react';
import { useT, type MessageKey } from '../i18n/i18n.tsx';
import type { StoredDraft, SummaryItem } from '../lib/types.ts';
import type { FhirResource } from '../lib/bundle.ts';
import { FindingBadge } from './findings.tsx';

const sections: { name: string; label: MessageKey }[] = [
  { name: 'problems', label: 'history.problems' },
  { name: 'medications', label: 'history.medications' },
  { name: 'allergies', label: 'history.allergies' },
  { name: 'recentResults', label: 'history.recentResults' },
  { name: 'encounters', label: 'history.encounters' },
];

export function SummaryView({ draft }: { draft: StoredDraft }) {
  const t = useT();
  const content = draft.currentContent as Record<string, SummaryItem[] | undefined> & { coverage?: { notes?: string[] } };
  const entries = ((draft.input as { bundle?: { entry?: { resource?: FhirResource }[] } }).bundle?.entry ?? []).map((entry) => entry.resource).filter((resource): resource is FhirResource => resource !== undefined);
  const byReference = new Map(entries.map((resource) => [`${resource.resourceType}/${resource.id}`, resource]));
  const [open, setOpen] = useState<string | null>(null);
  const panel = useRef<HTMLElement>(null);
  const show = (reference: string): void => {
    setOpen(reference);
    requestAnimationFrame(() => panel.current?.focus());
  };
  const opened = open === null ? undefined : byReference.get(open);

  return (
    <div className="history-summary two-columns" data-testid="history-summary">
      <div>
        {sections.map(({ name, label }) => {
          const items = content[name] ?? [];
          return (
            <section key={name} aria-labelledby={`history-${name}`}>
              <h2 id={`history-${name}`}>{t(label)}</h2>
              {items.length === 0 ? <p className="hint">{t('history.none')}</p> : (
                <ul>
                  {items.map((item, index) => (
                    <li key={index}>
                      {item.text}{item.date !== undefined ? <> <span className="hint">({item.date})</span></> : null}
                      <span className="sources">
                        {item.sources.map((source) => (
                          <button key={source} type="button" className="link source-link" onClick={() => show(source)} aria-label={t('history.openSource', { source })} data-testid="source-link">
                            {source}
                          </button>
                        ))}
                      </span>
                      {item.findings.map((finding, findingIndex) => <FindingBadge key={findingIndex} finding={finding} />)}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
        {(content.coverage?.notes ?? []).length > 0 ? (
          <section aria-labelledby="history-coverage"><h2 id="history-coverage">{t('history.coverage')}</h2><ul>{content.coverage?.notes?.map((note) => <li key={note}>{note}</li>)}</ul></section>
        ) : null}
      </div>
      <section className="source-panel" ref={panel} tabIndex={-1} aria-labelledby="source-title" data-testid="source-panel">
        <h2 id="source-title">{open === null ? t('history.sourceTitle') : open}</h2>
        {open === null ? <p className="hint">{t('history.sourceHint')}</p> : opened === undefined ? <p>{t('history.sourceMissing')}</p> : <pre className="json" tabIndex={0}>{JSON.stringify(opened, null, 2)}</pre>}
      </section>
    </div>
  );
}
