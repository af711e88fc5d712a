// Header button: turns desktop alerts on (the one permission prompt, on this click) and says
// whether they are on. Sounds need no permission and always play.
import { useState } from 'react';
import { Icon } from '../shared/Icon';
import { alertPermission, requestAlertPermission, type AlertPermission } from './alerts';

const TEXT: Record<AlertPermission, string> = {
  default: 'Turn on desktop alerts',
  granted: 'Desktop alerts on',
  denied: 'Desktop alerts blocked',
  unsupported: '',
};

export function AlertsToggle() {
  const [permission, setPermission] = useState<AlertPermission>(alertPermission);
  if (permission === 'unsupported') return null;
  const title =
    permission === 'default'
      ? 'Get a desktop notification for a new caller or an incoming transfer (the browser asks once)'
      : permission === 'denied'
        ? 'Notifications are blocked for this site in the browser settings; sounds still play'
        : 'You get a desktop notification for a new caller or an incoming transfer when this tab is not in front';
  return (
    <button
      type="button"
      className="btn btn-ghost btn-small"
      data-testid="alerts-toggle"
      data-permission={permission}
      title={title}
      aria-disabled={permission !== 'default' || undefined}
      onClick={() => {
        if (permission === 'default') void requestAlertPermission().then(setPermission);
      }}
    >
      <Icon name="bell" size={14} /> {TEXT[permission]}
    </button>
  );
}
