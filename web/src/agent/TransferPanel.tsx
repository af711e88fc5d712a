// Agent A's side of a warm transfer: pick a colleague or a phone number, then follow the
// progress (TransferProgress.tsx) with the summary in view and the right buttons at each step.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Icon } from '../shared/Icon';
import { PRESENCE_LABEL } from '../shared/format';
import { checkPhone, nothingDialable } from '../shared/phone';
import type { CallView, PhoneConfig, Presence, TransferTarget, TransferView } from '../shared/types';
import { PhoneNumberField } from './PhoneNumberField';
import { TransferProgress } from './TransferProgress';
import type { Actions } from './useActions';

/** ok: the transfer started; error: why not, in the server's words (shown in the form). */
export type StartResult = { ok: true } | { ok: false; error: string | null };

interface Props {
  call: CallView;
  transfer: TransferView | null;
  agents: Presence[];
  myId: string;
  actions: Actions;
  canStart: boolean;
  defaultRingS: number;
  /** undefined until /api/config answered; null: phones are not configured. */
  phone: PhoneConfig | undefined;
  onStart(target: TransferTarget, notes: string): Promise<StartResult>;
  onComplete(introduce: boolean): void;
  onCancel(): void;
  onLeave(): void;
}

export function TransferPanel(props: Props) {
  const { transfer } = props;
  if (transfer) return <TransferProgress {...props} transfer={transfer} />;
  return <TransferStart {...props} />;
}

/** Why "Phone" cannot be chosen, or null when it can. */
function phoneBlocked(phone: PhoneConfig | undefined): string | null {
  if (phone === undefined) return 'Checking whether phones are set up…';
  if (phone === null) return 'Phone transfers are not set up on this server (Twilio is not configured).';
  if (nothingDialable(phone)) return 'No phone numbers are dialable yet: an administrator must set PHONE_ALLOWED_PREFIXES.';
  return null;
}

function TransferStart({ agents, myId, actions, canStart, phone, onStart }: Props) {
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<TransferTarget['type']>('agent');
  const [target, setTarget] = useState('');
  const [number, setNumber] = useState('');
  const [touched, setTouched] = useState(false);
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const colleagues = useMemo(() => agents.filter((a) => a.id !== myId), [agents, myId]);
  const available = colleagues.filter((a) => a.status === 'available');
  const starting = actions.isPending('transfer-start');
  const blocked = phoneBlocked(phone);
  const check = phone ? checkPhone(number, phone) : null;
  const id = useId();
  const openButton = useRef<HTMLButtonElement>(null);
  const firstControl = useRef<HTMLInputElement>(null);
  const numberInput = useRef<HTMLInputElement>(null);
  const wasOpen = useRef(false);

  // Keep a sensible selection: the chosen colleague while available, else the first available.
  useEffect(() => {
    if (!open) return;
    const chosen = colleagues.find((a) => a.id === target);
    if (!chosen || chosen.status !== 'available') setTarget(available[0]?.id ?? '');
  }, [open, colleagues, available, target]);
  // Phones switched off meanwhile: back to a colleague rather than a form that cannot send.
  useEffect(() => {
    if (blocked && kind === 'phone') setKind('agent');
  }, [blocked, kind]);
  // Focus follows the form: into it when it opens, back to the button when it closes.
  useEffect(() => {
    if (open) firstControl.current?.focus();
    else if (wasOpen.current) openButton.current?.focus();
    wasOpen.current = open;
  }, [open]);

  if (!open) {
    return (
      <div className="transfer-entry">
        <button ref={openButton} data-testid="transfer-button" className="btn btn-transfer" disabled={!canStart} onClick={() => setOpen(true)}>
          <Icon name="transfer" /> Transfer…
        </button>
        {available.length === 0 && <span className="muted small">No colleague is available{blocked ? '' : ' — you can still transfer to a phone'}.</span>}
      </div>
    );
  }

  const sendable = kind === 'agent' ? !!target : !!check?.ok;
  const submit = async () => {
    if (!sendable) {
      // Send stays clickable for a bad number so the click can say why, where the number is.
      setTouched(true);
      numberInput.current?.focus();
      return;
    }
    if (!canStart) return;
    setError(null);
    const chosen: TransferTarget = kind === 'agent' ? { type: 'agent', agentId: target } : { type: 'phone', number: check!.e164 };
    const result = await onStart(chosen, notes);
    if (result.ok) {
      setOpen(false); // focus goes back to the Transfer… button until the progress panel replaces it
      setNotes('');
      setNumber('');
      setTouched(false);
    } else setError(result.error);
  };
  const pick = (k: TransferTarget['type']) => {
    setKind(k);
    setError(null);
  };

  return (
    <form
      className="transfer-form"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id={`${id}-title`}>Warm transfer</h3>
      <p className="muted small">
        The caller goes on hold with music while you brief {kind === 'phone' ? 'the specialist' : 'your colleague'}. They cannot hear you, and{' '}
        {kind === 'phone' ? 'the specialist' : 'your colleague'} cannot hear them, until you complete.
      </p>
      <fieldset className="segmented" data-testid="transfer-kind">
        <legend>Transfer to</legend>
        <label className={kind === 'agent' ? 'on' : ''}>
          <input ref={firstControl} type="radio" name={`${id}-kind`} checked={kind === 'agent'} onChange={() => pick('agent')} data-testid="transfer-kind-agent" />
          <Icon name="users" size={16} /> Colleague
        </label>
        <label className={`${kind === 'phone' ? 'on' : ''} ${blocked ? 'off' : ''}`}>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={kind === 'phone'}
            disabled={!!blocked}
            onChange={() => pick('phone')}
            aria-describedby={blocked ? `${id}-blocked` : undefined}
            data-testid="transfer-kind-phone"
          />
          <Icon name="phone" size={16} /> Phone
        </label>
      </fieldset>
      {blocked && (
        <p className="muted small" id={`${id}-blocked`} data-testid="transfer-phone-unavailable">
          {blocked}
        </p>
      )}
      {kind === 'agent' ? (
        <label className="field">
          <span>Colleague</span>
          <select data-testid="transfer-target" value={target} onChange={(e) => setTarget(e.target.value)}>
            {available.length === 0 && <option value="">No one is available</option>}
            {colleagues.map((a) => (
              <option key={a.id} value={a.id} disabled={a.status !== 'available'}>
                {a.name}
                {a.status !== 'available' ? ` — ${PRESENCE_LABEL[a.status]}` : ''}
              </option>
            ))}
          </select>
        </label>
      ) : (
        phone &&
        check && (
          <PhoneNumberField
            value={number}
            onChange={(v) => {
              setNumber(v);
              setError(null);
            }}
            settings={phone}
            check={check}
            touched={touched}
            onBlur={() => setTouched(true)}
            disabled={starting}
            inputRef={numberInput}
          />
        )
      )}
      <label className="field">
        <span>
          Note for {kind === 'phone' ? 'the specialist' : 'your colleague'} <small className="muted">(optional)</small>
        </span>
        <textarea
          data-testid="transfer-notes"
          rows={2}
          maxLength={1000}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          placeholder={kind === 'phone' ? 'Goes into the summary they hear when they answer' : 'Anything they should know before they pick up'}
        />
      </label>
      {error && (
        <p className="alert alert-error" role="alert" data-testid="transfer-error">
          <Icon name="alert" size={16} /> {error}
        </p>
      )}
      <div className="row">
        <button
          type="submit"
          data-testid="transfer-start"
          className="btn btn-transfer"
          disabled={starting || !canStart || (kind === 'agent' && !target)}
          aria-disabled={kind === 'phone' && !sendable}
        >
          {starting ? (
            <>
              <span className="spinner" aria-hidden /> {kind === 'phone' ? 'Dialling…' : 'Starting…'}
            </>
          ) : kind === 'phone' ? (
            <>
              <Icon name="phone" /> Call &amp; transfer
            </>
          ) : (
            'Start transfer'
          )}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)} disabled={starting}>
          Close
        </button>
      </div>
    </form>
  );
}
