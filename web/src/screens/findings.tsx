/** Guard findings, each with its explanation: what was flagged, why, and the suggested rewrite. */
import { useT, type MessageKey } from '../i18n/i18n.tsx';
import type { Finding } from '../lib/types.ts';

const ruleLabels: Record<Finding['rule'], MessageKey> = {
  'definitive-diagnosis': 'rule.definitive-diagnosis',
  'prescriptive-order': 'rule.prescriptive-order',
  'ungrounded-claim': 'rule.ungrounded-claim',
  injection: 'rule.injection',
  phi: 'rule.phi',
};

export function FindingBadge({ finding }: { finding: Finding }) {
  const t = useT();
  return (
    <div className={`finding finding-${finding.rule}`} data-testid="finding" data-rule={finding.rule}>
      <strong>{t(ruleLabels[finding.rule])}</strong>
      {finding.excerpt !== '' ? <> — <q>{finding.excerpt}</q></> : null}
      <p>{finding.message}</p>
      {finding.suggestion !== undefined ? <p>{t('finding.suggestion')} <q>{finding.suggestion}</q></p> : null}
    </div>
  );
}

export function FindingList({ findings }: { findings: readonly Finding[] }) {
  const t = useT();
  if (findings.length === 0) return null;
  return (
    <section aria-labelledby="findings-title" className="findings">
      <h2 id="findings-title">{t('finding.title', { count: findings.length })}</h2>
      {findings.map((finding, index) => <FindingBadge key={`${finding.rule}-${finding.start}-${index}`} finding={finding} />)}
    </section>
  );
}
