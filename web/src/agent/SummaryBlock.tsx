import type { Summary } from '../shared/types';

function providerLabel(provider: string): string {
  return provider === 'local' ? 'Local summary' : `AI summary · ${provider}`;
}

/** The handoff summary, with where it came from. */
export function SummaryBlock({ summary, testId, pendingText }: { summary: Summary | null; testId: string; pendingText?: string }) {
  if (!summary) {
    return (
      <div className="summary summary-pending">
        <span className="spinner spinner-small" aria-hidden /> {pendingText ?? 'Preparing the handoff summary…'}
      </div>
    );
  }
  return (
    <figure className="summary" data-testid={testId} data-provider={summary.provider}>
      <figcaption>
        Handoff summary <span className={`badge badge-provider ${summary.provider === 'local' ? '' : 'badge-ai'}`}>{providerLabel(summary.provider)}</span>
      </figcaption>
      <p>{summary.text}</p>
    </figure>
  );
}
