// Agent A's consult controls: talk to the caller or to B (the other held by the media server,
// not by this page), or to both. Shows at a glance who hears whom. The choice is the record's
// (transfer.talkTo), so a reload or a second tab shows the same.
import type { TalkTo } from '@warmline/contract';
import { api } from '../shared/api';
import { Icon } from '../shared/Icon';
import { speakable } from '../shared/phone';
import type { TransferView } from '../shared/types';
import type { Actions } from './useActions';

interface Props {
  transfer: TransferView;
  actions: Actions;
}

/** The target as a person: a phone specialist's masked number reads badly in a button. */
export const targetLabel = (t: TransferView) => (t.target.type === 'phone' ? 'the specialist' : speakable(t.target.name));

/** Who hears whom, in words (also what screen readers are told after a switch). */
export function talkToWords(t: TransferView): string {
  const caller = t.call.callerName || 'the caller';
  const b = targetLabel(t);
  if (t.talkTo === 'caller') return `You are talking to ${caller}. ${b} is on hold and hears neither of you.`;
  if (t.talkTo === 'both') return `Conference: ${caller}, ${b} and you all hear each other.`;
  return `You are talking to ${b}. ${caller} is on hold and hears neither of you.`;
}

export function ConsultControls({ transfer: t, actions }: Props) {
  const caller = t.call.callerName || 'Caller';
  const b = targetLabel(t);
  const busy = actions.pending.size > 0;
  const choose = (talkTo: TalkTo) => {
    if (talkTo === t.talkTo) return; // already so: no request, no flicker
    void actions.run(`focus-${talkTo}`, () => api.focusTransfer(t.id, talkTo), 'Could not switch');
  };
  const options: Array<{ value: TalkTo; label: string; icon: 'headset' | 'chat' | 'users'; key: string }> = [
    { value: 'caller', label: `Talk to ${caller}`, icon: 'headset', key: 'caller' },
    { value: 'target', label: `Talk to ${b}`, icon: 'chat', key: 'target' },
    { value: 'both', label: 'Conference all three', icon: 'users', key: 'both' },
  ];
  const held = t.talkTo === 'caller' ? 'target' : t.talkTo === 'target' ? 'caller' : null;

  return (
    <div className="consult-controls" data-testid="consult-controls" data-talk-to={t.talkTo}>
      <div className="row" role="group" aria-label="Who you talk to">
        {options.map((o) => (
          <button
            key={o.value}
            type="button"
            data-testid={`consult-talk-${o.key}`}
            className={`btn ${t.talkTo === o.value ? 'btn-primary' : 'btn-secondary'}`}
            aria-pressed={t.talkTo === o.value}
            disabled={busy && t.talkTo !== o.value}
            onClick={() => choose(o.value)}
          >
            {actions.isPending(`focus-${o.value}`) ? <span className="spinner" aria-hidden /> : <Icon name={o.icon} />} {o.label}
          </button>
        ))}
      </div>
      {/* At a glance: each party, and whether they are in the conversation or held. */}
      <ul className="participants" aria-label="Who hears whom" data-testid="consult-hears">
        <Party name="You" held={false} testId="party-you" />
        <Party name={caller} held={held === 'caller'} testId="party-caller" />
        <Party name={t.target.type === 'phone' ? 'Specialist' : t.target.name} held={held === 'target'} testId="party-target" />
      </ul>
      <p className="muted small" aria-hidden>
        {talkToWords(t)}
      </p>
    </div>
  );
}

function Party({ name, held, testId }: { name: string; held: boolean; testId: string }) {
  return (
    <li className={`participant ${held ? 'held' : 'speaking'}`} data-testid={testId} data-held={held}>
      <span className="dot" aria-hidden /> {name}: {held ? 'on hold, hears nobody' : 'in the conversation'}
    </li>
  );
}
