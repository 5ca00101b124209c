/**
 * The SOAP note review: each section's statements beside the transcript.
 * Hovering or focusing a statement highlights the transcript spans that
 * support it; a statement with none is marked ungrounded. Guard findings sit
 * under the statement they are about. Editing keeps the structure (a changed
 * statement keeps its grounding, so the reviewer can still check it) and the
 * diff shows every change against the AI's draft before signing.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useLanguage } from '../i18n/i18n.tsx';
import { ErrorMessage } from '../components/common.tsx';
import { changed, diffWords } from '../lib/diff.ts';
import { soapSections, type GroundingSpan, type SoapNoteContent, type SoapSection, type SoapStatement, type StoredDraft } from '../lib/types.ts';
import { FindingBadge } from './findings.tsx';
import { SaveOrAmend, useDraftEditor } from './draft-editor.tsx';
import { highlightSegments } from '../lib/highlight.ts';

export function SoapReview({ draft, onSaved, onDirty }: { draft: StoredDraft<SoapNoteContent>; onSaved: (draft: StoredDraft) => void; onDirty: (dirty: boolean) => void }) {
  const { t } = useLanguage();
  const transcript = (draft.input as { transcript?: string }).transcript ?? '';
  const [active, setActive] = useState<GroundingSpan[]>([]);
  const [showDiff, setShowDiff] = useState(false);
  const editor = useDraftEditor(draft, onSaved, onDirty);
  const { content, edited, editable } = editor;
  const setEdited = editor.edit;
  const diff = useMemo(() => diffWords(noteText(draft.aiOutput.content, t), noteText(content, t)), [draft.aiOutput.content, content, t]);

  const updateStatement = (section: SoapSection, index: number, next: SoapStatement | null): void => {
    const statements = [...content.sections[section]];
    if (next === null) statements.splice(index, 1);
    else statements[index] = next;
    setEdited({ ...content, sections: { ...content.sections, [section]: statements } });
  };

  return (
    <div className="soap-review">
      <div className="soap-note" data-testid="soap-note">
        <h2>{t('soap.chiefComplaint')}</h2>
        {editable ? (
          <label className="visually-hidden" htmlFor="chief-complaint">{t('soap.chiefComplaint')}</label>
        ) : null}
        {editable ? (
          <input id="chief-complaint" value={content.chiefComplaint} onChange={(event) => setEdited({ ...content, chiefComplaint: event.target.value })} />
        ) : <p>{content.chiefComplaint || '—'}</p>}
        {soapSections.map((section) => (
          <section key={section} aria-labelledby={`section-${section}`} data-testid={`section-${section}`}>
            <h2 id={`section-${section}`}>{t(`soap.${section}`)}</h2>
            {content.sections[section].length === 0 ? <p className="hint">{t('soap.empty')}</p> : null}
            <ol className="statements">
              {content.sections[section].map((statement, index) => (
                <StatementItem
                  key={`${section}-${index}`}
                  statement={statement}
                  edited={!draft.aiOutput.content.sections[section].some((original) => original.text === statement.text)}
                  label={t('soap.statementLabel', { section: t(`soap.${section}`), number: index + 1 })}
                  editable={editable}
                  onFocus={() => setActive(statement.grounding)}
                  onBlur={() => setActive([])}
                  onChange={(next) => updateStatement(section, index, next)}
                />
              ))}
            </ol>
            {editable ? (
              <button type="button" className="secondary" onClick={() => setEdited({ ...content, sections: { ...content.sections, [section]: [...content.sections[section], { text: '', grounding: [], findings: [] }] } })}>
                {t('soap.addStatement', { section: t(`soap.${section}`) })}
              </button>
            ) : null}
          </section>
        ))}
        {editable ? (
          <div className="edit-actions">
            <SaveOrAmend draft={draft} editor={editor} onSaved={onSaved} />
            <button type="button" className="secondary" onClick={editor.discard} disabled={edited === null}>{t('soap.discard')}</button>
            <button type="button" className="secondary" aria-expanded={showDiff} onClick={() => setShowDiff((value) => !value)} data-testid="toggle-diff">{t('soap.showDiff')}</button>
            {edited !== null ? <p className="hint" role="status">{t('soap.unsaved')}</p> : null}
          </div>
        ) : (
          <button type="button" className="secondary" aria-expanded={showDiff} onClick={() => setShowDiff((value) => !value)} data-testid="toggle-diff">{t('soap.showDiff')}</button>
        )}
        <ErrorMessage error={editor.error} />
        {showDiff ? <DiffView parts={diff} /> : null}
      </div>
      <Transcript text={transcript} active={active} />
    </div>
  );
}

function StatementItem({ statement, edited, label, editable, onFocus, onBlur, onChange }: { statement: SoapStatement; edited: boolean; label: string; editable: boolean; onFocus: () => void; onBlur: () => void; onChange: (next: SoapStatement | null) => void }) {
  const { t } = useLanguage();
  const ungrounded = statement.grounding.length === 0 || statement.findings.some((finding) => finding.rule === 'ungrounded-claim');
  return (
    <li
      className={ungrounded ? 'statement ungrounded' : 'statement'}
      tabIndex={editable ? undefined : 0}
      onMouseEnter={onFocus}
      onMouseLeave={onBlur}
      onFocus={onFocus}
      onBlur={onBlur}
      data-testid="statement"
      data-grounded={!ungrounded}
    >
      {editable ? (
        <div className="statement-edit">
          <label className="visually-hidden" htmlFor={`statement-${label}`}>{label}</label>
          <textarea id={`statement-${label}`} rows={2} value={statement.text} onChange={(event) => onChange({ ...statement, text: event.target.value })} data-testid="statement-text" />
          <button type="button" className="secondary small" onClick={() => onChange(null)} aria-label={t('soap.removeStatement', { label })}>{t('soap.remove')}</button>
        </div>
      ) : <p>{statement.text}</p>}
      {ungrounded ? <p className="ungrounded-note">{t('soap.ungrounded')}</p> : edited ? <p className="hint">{t('soap.editedGrounding')}</p> : null}
      {statement.findings.map((finding, index) => <FindingBadge key={`${finding.rule}-${index}`} finding={finding} />)}
    </li>
  );
}

function Transcript({ text, active }: { text: string; active: GroundingSpan[] }) {
  const { t } = useLanguage();
  const segments = useMemo(() => highlightSegments(text, active), [text, active]);
  const view = useRef<HTMLDivElement>(null);
  // Scrolled when the highlighted statement changes, not on every render (typing elsewhere must not move it).
  useEffect(() => {
    view.current?.querySelector('mark')?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  return (
    <section className="transcript" aria-labelledby="transcript-title">
      <h2 id="transcript-title">{t('soap.transcript')}</h2>
      {/* Focusable: it scrolls, and a keyboard user must be able to scroll it too. */}
      <div ref={view} className="transcript-text" tabIndex={0} role="region" aria-labelledby="transcript-title" data-testid="transcript-view">
        {segments.map((segment, index) => {
          if (!segment.highlighted) return <span key={index}>{segment.text}</span>;
          return (
            <mark key={index} data-testid="transcript-highlight">
              {segment.text}
            </mark>
          );
        })}
      </div>
    </section>
  );
}

function DiffView({ parts }: { parts: ReturnType<typeof diffWords> }) {
  const { t } = useLanguage();
  return (
    <section className="diff" aria-labelledby="diff-title" data-testid="diff">
      <h2 id="diff-title">{t('soap.diffTitle')}</h2>
      {!changed(parts) ? <p>{t('soap.noChanges')}</p> : (
        <pre className="diff-text">
          {parts.map((part, index) => part.kind === 'same' ? <span key={index}>{part.text}</span> : part.kind === 'added'
            ? <ins key={index} aria-label={t('soap.added')}>{part.text}</ins>
            : <del key={index} aria-label={t('soap.removed')}>{part.text}</del>)}
        </pre>
      )}
    </section>
  );
}

/** The note as plain text, for the diff. */
function noteText(content: SoapNoteContent, t: (key: 'soap.chiefComplaint' | `soap.${SoapSection}`) => string): string {
  const lines = [`${t('soap.chiefComplaint')}: ${content.chiefComplaint}`];
  for (const section of soapSections) {
    lines.push('', `${t(`soap.${section}`)}:`);
    for (const statement of content.sections[section]) lines.push(`- ${statement.text}`);
  }
  return lines.join('\n');
}
