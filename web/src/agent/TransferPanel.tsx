// Agent A's side of a transfer: choose who (the directory: colleagues, queues, a phone number)
// and how (warm or blind), then follow the progress (TransferProgress.tsx) with the summary in
// view and the right buttons at each step. Blind and queue transfers end A's part at once.
import { useEffect, useId, useRef, useState } from 'react';
import { Icon } from '../shared/Icon';
import { formatDuration, presenceText } from '../shared/format';
import { checkPhone, nothingDialable, speakable } from '../shared/phone';
import type { CallView, PhoneConfig, Presence, QueueStat, TransferMode, TransferTarget, TransferView } from '../shared/types';
import { useNow } from '../shared/useNow';
import { type DirectoryEntry, longestWaitMs, unavailableWhy, waitUrgency } from './directory';
import { PhoneNumberField } from './PhoneNumberField';
import { TransferDirectory } from './TransferDirectory';
import { TransferProgress } from './TransferProgress';
import type { Actions } from './useActions';

/** ok: the transfer started; error: why not, in the server's words (shown in the form). */
export type StartResult = { ok: true } | { ok: false; error: string | null };

interface Props {
  call: CallView;
  transfer: TransferView | null;
  agents: Presence[];
  queues: QueueStat[];
  queuesFetchedAt: number;
  myId: string;
  actions: Actions;
  canStart: boolean;
  defaultRingS: number;
  /** undefined until /api/config answered; null: phones are not configured. */
  phone: PhoneConfig | undefined;
  onStart(target: TransferTarget, notes: string, mode: TransferMode): Promise<StartResult>;
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


/** Who the directory chose: the entry's id; the live row is looked up on every render. */
type Chosen = { kind: 'agent'; id: string } | { kind: 'queue'; id: string } | { kind: 'phone' };
type FocusStep = 'search' | 'next' | null;

function TransferStart({ call, agents, queues, queuesFetchedAt, myId, actions, canStart, phone, onStart }: Props) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [mode, setMode] = useState<TransferMode>('warm');
  const [number, setNumber] = useState('');
  const [touched, setTouched] = useState(false);
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [focusStep, setFocusStep] = useState<{ step: FocusStep }>({ step: null });
  const now = useNow(1000, chosen?.kind === 'queue');
  const starting = actions.isPending('transfer-start');
  const blocked = phoneBlocked(phone);
  const check = phone ? checkPhone(number, phone) : null;
  const id = useId();
  const openButton = useRef<HTMLButtonElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const numberInput = useRef<HTMLInputElement>(null);
  const warmRadio = useRef<HTMLInputElement>(null);
  const blindRadio = useRef<HTMLInputElement>(null);
  const notesBox = useRef<HTMLTextAreaElement>(null);
  const wasOpen = useRef(false);

  const available = agents.filter((a) => a.id !== myId && a.status === 'available');
  const agent = chosen?.kind === 'agent' ? (agents.find((a) => a.id === chosen.id) ?? null) : null;
  const queue = chosen?.kind === 'queue' ? (queues.find((q) => q.id === chosen.id) ?? null) : null;
  // A queue takes the call blind; a phone specialist is always briefed first.
  const effectiveMode: TransferMode = chosen?.kind === 'queue' ? 'blind' : chosen?.kind === 'phone' ? 'warm' : mode;
  const caller = speakable(call.callerName) || 'The caller';

  // Focus follows the form: into the search box when it opens, back to the button when it closes.
  useEffect(() => {
    if (open) search.current?.focus();
    else if (wasOpen.current) openButton.current?.focus();
    wasOpen.current = open;
  }, [open]);
  // Choosing moves on to what it opened (how, the number, the note); Change goes back to the search.
  useEffect(() => {
    if (focusStep.step === 'search') search.current?.focus();
    else if (focusStep.step === 'next') {
      const el =
        chosen?.kind === 'agent' ? (mode === 'blind' ? blindRadio : warmRadio).current : chosen?.kind === 'phone' ? numberInput.current : notesBox.current;
      el?.focus();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs once per request
  }, [focusStep]);
  // Phones switched off meanwhile: back to the directory rather than a form that cannot send.
  useEffect(() => {
    if (blocked && chosen?.kind === 'phone') setChosen(null);
  }, [blocked, chosen]);

  if (!open) {
    return (
      <div className="transfer-entry">
        <button
          ref={openButton}
          data-testid="transfer-button"
          className="btn btn-transfer"
          disabled={!canStart}
          aria-keyshortcuts="t"
          aria-label={`Transfer call with ${caller}…`}
          onClick={() => setOpen(true)}
        >
          <Icon name="transfer" /> Transfer…
        </button>
        {available.length === 0 && (
          <span className="muted small">No colleague is available — you can still send the call to a queue{blocked ? '' : ' or a phone'}.</span>
        )}
      </div>
    );
  }

  const reset = () => {
    setOpen(false); // focus goes back to the Transfer… button until the progress panel replaces it
    setChosen(null);
    setQuery('');
    setNotes('');
    setNumber('');
    setMode('warm');
    setTouched(false);
    setError(null);
  };
  const choose = (e: DirectoryEntry) => {
    setError(null);
    if (e.kind === 'agent') setChosen({ kind: 'agent', id: e.id });
    else if (e.kind === 'queue') setChosen({ kind: 'queue', id: e.id });
    else {
      setChosen({ kind: 'phone' });
      if (e.number) setNumber(e.number);
    }
    setFocusStep({ step: 'next' });
  };
  const change = () => {
    setChosen(null);
    setError(null);
    setFocusStep({ step: 'search' });
  };

  const agentWhy = agent ? unavailableWhy(agent) : null;
  const sendable = chosen?.kind === 'agent' ? !!agent && !agentWhy : chosen?.kind === 'queue' ? !!queue : chosen?.kind === 'phone' ? !!check?.ok : false;
  const targetName = agent?.name ?? queue?.name ?? (chosen?.kind === 'phone' ? 'the specialist' : '');
  const submit = async () => {
    if (!chosen) return;
    if (chosen.kind === 'phone' && !check?.ok) {
      // Send stays clickable for a bad number so the click can say why, where the number is.
      setTouched(true);
      numberInput.current?.focus();
      return;
    }
    if (!sendable || !canStart) return;
    setError(null);
    const target: TransferTarget =
      chosen.kind === 'agent' ? { type: 'agent', agentId: chosen.id } : chosen.kind === 'queue' ? { type: 'queue', queueId: chosen.id } : { type: 'phone', number: check!.e164 };
    const result = await onStart(target, notes, effectiveMode);
    if (result.ok) reset();
    else setError(result.error);
  };

  const explain =
    chosen?.kind === 'queue'
      ? `Queue transfers are always blind: ${caller} goes to the front of ${queue?.name ?? 'the queue'} with the summary and your note, and your part of the call ends.`
      : chosen?.kind === 'phone'
        ? `Phone transfers are warm: ${caller} waits on hold with music while you brief the specialist, who hears the summary first.`
        : effectiveMode === 'blind'
          ? `${targetName} rings with the summary and your note. You leave the call now; ${targetName} talks to ${caller} as soon as they accept. If nobody answers, ${caller} goes back to the front of the queue.`
          : `${caller} waits on hold with music while you brief ${targetName}. Neither hears the other until you complete.`;

  const startLabel =
    chosen?.kind === 'queue'
      ? `Send to ${queue?.name ?? 'the'} queue`
      : chosen?.kind === 'phone'
        ? 'Call & transfer'
        : effectiveMode === 'blind'
          ? `Blind transfer to ${targetName}`
          : `Warm transfer to ${targetName}`;

  return (
    <form
      className="transfer-form"
      aria-labelledby={`${id}-title`}
      data-testid="transfer-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        // Escape steps back: from the details to the directory, from the directory out.
        if (e.key !== 'Escape' || e.defaultPrevented) return;
        e.preventDefault();
        if (chosen) change();
        else setOpen(false);
      }}
    >
      <h3 id={`${id}-title`}>Transfer {caller === 'The caller' ? 'the call' : `${caller}'s call`}</h3>
      {!chosen ? (
        <TransferDirectory
          agents={agents}
          queues={queues}
          queuesFetchedAt={queuesFetchedAt}
          myId={myId}
          phoneBlocked={blocked}
          query={query}
          onQuery={setQuery}
          onChoose={choose}
          onClose={() => setOpen(false)}
          inputRef={search}
        />
      ) : (
        <>
          <div className="directory-chosen" data-testid="transfer-chosen" data-kind={chosen.kind}>
            <span className="directory-label">To</span>
            {chosen.kind === 'agent' && (
              <>
                <span className={`presence-dot presence-${agent?.status ?? 'offline'}`} aria-hidden />
                <strong>{agent?.name ?? 'A colleague who signed out'}</strong>
                {agent && <span className={`badge badge-small badge-${agent.status}`}>{presenceText(agent)}</span>}
              </>
            )}
            {chosen.kind === 'queue' && (
              <>
                <Icon name="hourglass" size={16} />
                <strong>{queue?.name ?? 'A queue that no longer exists'}</strong> <span className="muted">queue</span>
                {queue && (
                  <span className={`count ${queue.waiting > 0 ? 'count-hot' : ''}`}>
                    {queue.waiting} waiting{queue.waiting > 0 ? ` · longest ${formatDuration(longestWaitMs(queue, queuesFetchedAt, now))}` : ''}
                  </span>
                )}
                {queue && queue.waiting > 0 && <span className={`wait wait-${waitUrgency(longestWaitMs(queue, queuesFetchedAt, now))}`} aria-hidden />}
              </>
            )}
            {chosen.kind === 'phone' && (
              <>
                <Icon name="phone" size={16} />
                <strong>A phone number</strong>
              </>
            )}
            <button type="button" className="btn btn-small btn-ghost" onClick={change} disabled={starting} data-testid="transfer-change">
              Change<span className="sr-only"> who to transfer to</span>
            </button>
          </div>
          {queue && queue.availableAgents === 0 && (
            <p className="muted small" data-testid="transfer-queue-nobody">
              <Icon name="info" size={14} /> Nobody in {queue.name} is available right now: {caller} will wait, at the front, until someone is.
            </p>
          )}
          {agent && agentWhy && (
            <p className="alert alert-warn" role="alert" data-testid="transfer-target-gone">
              <Icon name="alert" size={16} /> {agent.name} is {agentWhy} now — choose someone else.
            </p>
          )}

          <fieldset className="segmented" data-testid="transfer-mode" aria-describedby={`${id}-how`}>
            <legend>How</legend>
            <label className={`${effectiveMode === 'warm' ? 'on' : ''} ${chosen.kind === 'queue' ? 'off' : ''}`}>
              <input
                ref={warmRadio}
                type="radio"
                name={`${id}-mode`}
                checked={effectiveMode === 'warm'}
                disabled={chosen.kind === 'queue'}
                onChange={() => setMode('warm')}
                data-testid="transfer-mode-warm"
              />
              <Icon name="chat" size={16} /> Warm <span className="mode-hint">brief first</span>
            </label>
            <label className={`${effectiveMode === 'blind' ? 'on' : ''} ${chosen.kind === 'phone' ? 'off' : ''}`}>
              <input
                ref={blindRadio}
                type="radio"
                name={`${id}-mode`}
                checked={effectiveMode === 'blind'}
                disabled={chosen.kind === 'phone'}
                onChange={() => setMode('blind')}
                data-testid="transfer-mode-blind"
              />
              <Icon name="transfer" size={16} /> Blind <span className="mode-hint">hand over now</span>
            </label>
          </fieldset>
          <p className="muted small" id={`${id}-how`} data-testid="transfer-mode-explain" data-mode={effectiveMode}>
            {explain}
          </p>

          {chosen.kind === 'phone' && phone && check && (
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
          )}
          <label className="field">
            <span>
              Note for {chosen.kind === 'queue' ? 'whoever answers' : chosen.kind === 'phone' ? 'the specialist' : targetName} <small className="muted">(optional)</small>
            </span>
            <textarea
              ref={notesBox}
              data-testid="transfer-notes"
              rows={2}
              maxLength={1000}
              value={notes}
              onChange={(e) => setNotes(e.target.value)}
              placeholder={effectiveMode === 'blind' ? 'Shown with the summary to whoever takes the call' : 'Anything they should know before they pick up'}
            />
          </label>
        </>
      )}
      {error && (
        <p className="alert alert-error" role="alert" data-testid="transfer-error">
          <Icon name="alert" size={16} /> {error}
        </p>
      )}
      <div className="row">
        {chosen && (
          <button
            type="submit"
            data-testid="transfer-start"
            data-mode={effectiveMode}
            className="btn btn-transfer"
            disabled={starting || !canStart || (chosen.kind !== 'phone' && !sendable)}
            aria-disabled={chosen.kind === 'phone' && !sendable}
          >
            {starting ? (
              <>
                <span className="spinner" aria-hidden /> {chosen.kind === 'phone' ? 'Dialling…' : 'Starting…'}
              </>
            ) : (
              <>
                <Icon name={chosen.kind === 'phone' ? 'phone' : 'transfer'} /> {startLabel}
              </>
            )}
          </button>
        )}
        <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)} disabled={starting} data-testid="transfer-close">
          Close<span className="sr-only"> the transfer form</span>
        </button>
      </div>
    </form>
  );
}
