import type { MessageKey, Translate } from '../i18n/i18n.tsx';

const labels: Record<string, MessageKey> = {
  triage: 'workflow.triage',
  'soap-note': 'workflow.soap-note',
  'imaging-read': 'workflow.imaging-read',
  'history-summary': 'workflow.history-summary',
  differential: 'workflow.differential',
  contraindications: 'workflow.contraindications',
};

/** A workflow's name in the UI's language; an unknown one as the server spells it. */
export function workflowLabel(t: Translate, workflow: string): string {
  const key = labels[workflow];
  return key === undefined ? workflow : t(key);
}
