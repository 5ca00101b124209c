/** Suggested vs floor vs final, with every deterioration flag and the reasons: the triage draft as a clinician reads it. */
import { useT } from '../i18n/i18n.tsx';
import type { TriageContent } from '../lib/types.ts';

export function CtasComparison({ content }: { content: TriageContent }) {
  const t = useT();
  const level = (value: number | null): string => (value === null ? t('score.none') : `CTAS ${value}`);
  return (
    <div className="ctas-comparison">
      <dl className="ctas-levels">
        <div><dt>{t('triage.suggested')}</dt><dd data-testid="ctas-suggested">{level(content.ctas.suggested)}</dd></div>
        <div><dt>{t('score.ctasFloor')}</dt><dd data-testid="ctas-result-floor">{level(content.ctas.floor)}</dd></div>
        <div className="ctas-final"><dt>{t('triage.final')}</dt><dd data-testid="ctas-final">{level(content.ctas.final)}</dd></div>
      </dl>
      <h3>{t('triage.flags')}</h3>
      {content.alerts.length === 0 ? <p>{t('triage.noFlags')}</p> : (
        <ul className="alerts" data-testid="deterioration-flags">{content.alerts.map((alert) => <li key={alert.code}><strong>{alert.code}</strong>: {alert.message}</li>)}</ul>
      )}
      <h3>{t('triage.reasons')}</h3>
      <ul>{content.ctas.reasons.map((reason) => <li key={reason}>{reason}</li>)}</ul>
      {content.rationale !== null ? (<><h3>{t('triage.rationale')}</h3><p>{content.rationale}</p></>) : <p>{t('triage.unusable')}</p>}
    </div>
  );
}
