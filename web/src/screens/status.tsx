/**
 * Model and site status for the people who run the site: which model serves
 * (quantisation, file hash), memory in use against the sizing estimate, the
 * conformance gate's outcome, the model card's limitations, upstream health.
 */
import { useT } from '../i18n/i18n.tsx';
import { ErrorMessage, Limitations } from '../components/common.tsx';
import { useServerStatus } from '../lib/status.ts';

const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

export function StatusScreen() {
  const t = useT();
  const { status, error, reload } = useServerStatus();
  if (error !== null) return <ErrorMessage error={error} />;
  if (status === null) return <p role="status">{t('common.loading')}</p>;
  const model = status.model;
  const memory = status.memory ?? null;
  const conformance = status.conformance ?? null;
  const ready = model?.health?.ready;

  return (
    <section aria-labelledby="status-title" data-testid="status-screen">
      <h1 id="status-title">{t('status.title')}</h1>
      <button type="button" className="secondary" onClick={reload}>{t('status.refresh')}</button>
      <h2>{t('status.model')}</h2>
      {model === null ? <p>{t('status.noModel')}</p> : (
        <dl className="facts">
          <dt>{t('status.modelId')}</dt><dd data-testid="status-model-id">{model.id}</dd>
          <dt>{t('status.backend')}</dt><dd>{model.backend}</dd>
          <dt>{t('status.synthetic')}</dt><dd data-testid="status-synthetic">{model.synthetic ? t('status.syntheticYes') : t('common.no')}</dd>
          <dt>{t('status.quantisation')}</dt><dd>{model.quantisation ?? '—'}</dd>
          <dt>{t('status.context')}</dt><dd>{model.contextSize ?? '—'}</dd>
          <dt>{t('status.file')}</dt><dd>{model.fileBytes ? gib(model.fileBytes) : '—'}{model.sha256 ? <> · <code>{model.sha256.slice(0, 16)}…</code></> : null}</dd>
          <dt>{t('status.health')}</dt><dd data-testid="status-health">{ready === undefined ? '—' : ready ? t('status.ready') : t('status.notReady')}</dd>
        </dl>
      )}
      <h2>{t('status.memory')}</h2>
      {memory === null ? <p>{t('status.unknown')}</p> : (
        <>
          <dl className="facts">
            <dt>{t('status.memoryUsed')}</dt><dd>{gib(memory.processRssBytes)}</dd>
            <dt>{t('status.memoryEstimate')}</dt><dd>{memory.estimateBytes === null ? t('status.notInCatalog') : gib(memory.estimateBytes)}</dd>
          </dl>
          {memory.estimateBytes !== null ? (
            <meter min={0} max={Math.max(memory.estimateBytes, memory.processRssBytes) * 1.25} value={memory.processRssBytes} high={memory.estimateBytes} aria-label={t('status.memoryMeter')} />
          ) : null}
        </>
      )}
      <h2>{t('status.conformance')}</h2>
      {conformance === null ? <p>{t('status.unknown')}</p> : (
        <>
          <p data-testid="status-conformance">{conformance.outcome === 'overridden' ? t('status.overridden', { reason: conformance.overrideReason ?? '' }) : t('status.passed')}</p>
          {conformance.checks.length > 0 ? (
            <table>
              <thead><tr><th scope="col">{t('status.check')}</th><th scope="col">{t('status.result')}</th></tr></thead>
              <tbody>{conformance.checks.map((check) => <tr key={check.id}><td>{check.title}</td><td className={`check-${check.status}`}>{t(`check.${check.status}`)}</td></tr>)}</tbody>
            </table>
          ) : null}
        </>
      )}
      <Limitations notice={status.limitations ?? null} />
      <h2>{t('status.workflows')}</h2>
      <p>{status.workflows.join(', ') || '—'}</p>
      {status.site ? (
        <>
          <h2>{t('status.site')}</h2>
          <dl className="facts">
            <dt>{t('status.records')}</dt><dd>{status.site.records === 'postgresql' ? 'PostgreSQL' : status.site.records === 'sqlite' ? 'SQLite' : '—'}</dd>
            <dt>{t('status.listener')}</dt><dd>{status.site.imagingListener === null ? t('status.listenerOff') : `${status.site.imagingListener.aeTitle} :${status.site.imagingListener.port}`}</dd>
          </dl>
        </>
      ) : null}
    </section>
  );
}
