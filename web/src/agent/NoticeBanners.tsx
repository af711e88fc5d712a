import { Icon } from '../shared/Icon';
import type { Notices } from './useNotices';

const ICON = { info: 'info', success: 'check', warn: 'alert', error: 'x' } as const;

export function NoticeBanners({ notices }: { notices: Notices }) {
  if (notices.list.length === 0) return null;
  return (
    <div className="notices" aria-live="polite">
      {notices.list.map((n) => (
        <div key={n.id} className={`banner banner-${n.kind}`} data-testid={n.testId} data-outcome={n.outcome} role="status">
          <Icon name={ICON[n.kind]} className="banner-icon" />
          <span className="banner-text">{n.text}</span>
          <button className="banner-close" aria-label={`Dismiss: ${n.text}`} onClick={() => notices.dismiss(n.id)}>
            <Icon name="x" size={16} />
          </button>
        </div>
      ))}
    </div>
  );
}
