// The call this agent is on: who, why, state at a glance, timers, controls, notes,
// timeline and the transfer panel.
import { Icon } from '../shared/Icon';
import { CALL_STATE_LABEL, endReasonForAgent, formatDuration, msSince } from '../shared/format';
import { callRoom, useCallRoom } from '../shared/livekit';
import { MaskedText, PhoneBadge } from '../shared/PhoneText';
import { speakable } from '../shared/phone';
import type { CallView, PhoneConfig, Presence, QueueStat, TransferMode, TransferTarget, TransferView } from '../shared/types';
import { isOpenTransfer } from '../shared/types';
import { useNow } from '../shared/useNow';
import { NotesEditor } from './NotesEditor';
import { MuteButton } from './MuteButton';
import { ParticipantsStrip } from './ParticipantsStrip';
import { SummaryBlock } from './SummaryBlock';
import { Timeline } from './Timeline';
import { TransferPanel, type StartResult } from './TransferPanel';
import { handoffOf } from './handoff';
import { useHoldStart } from './holdStart';
import type { Actions } from './useActions';
import { useNotesAutosave } from './useNotesAutosave';

interface Props {
  call: CallView;
  myId: string;
  /** This agent's open outgoing transfer for this call, if any. */
  outgoing: TransferView | null;
  agents: Presence[];
  /** GET /api/queues, for the transfer directory. */
  queues: QueueStat[];
  queuesFetchedAt: number;
  actions: Actions;
  defaultRingS: number;
  /** /api/config's phone settings (undefined until loaded). */
  phone: PhoneConfig | undefined;
  onHold(hold: boolean): void;
  onHangup(): void;
  onRejoin(): void;
  onStartTransfer(target: TransferTarget, notes: string, flushNotes: () => Promise<void>, mode: TransferMode): Promise<StartResult>;
  onCompleteTransfer(t: TransferView, introduce: boolean): void;
  onCancelTransfer(t: TransferView): void;
  onLeave(t: TransferView): void;
}

function badgeFor(call: CallView, transfer: TransferView | null): { label: string; cls: string } {
  if (transfer?.state === 'introducing') return { label: 'Introducing', cls: 'transferring' };
  if (transfer && isOpenTransfer(transfer)) return { label: 'Transferring', cls: 'transferring' };
  return { label: CALL_STATE_LABEL[call.state], cls: call.state };
}

export function CallCard(p: Props) {
  const { call, myId } = p;
  const now = useNow(1000);
  const room = useCallRoom();
  const notes = useNotesAutosave(call.id, call.notes);
  const holdStart = useHoldStart(call);

  const transfer = p.outgoing ?? (isOpenTransfer(call.transfer) ? call.transfer : null);
  const owner = call.agentId === myId;
  const myTransfer = transfer && transfer.fromAgent.id === myId ? transfer : null;
  const beingIntroduced = transfer?.state === 'introducing' && transfer.target.agentId === myId;
  const transferring = !!transfer && (transfer.state === 'ringing' || transfer.state === 'consulting');
  const live = call.state === 'active' || call.state === 'on_hold';
  const badge = badgeFor(call, transfer);
  const connected = room.status === 'connected' || room.status === 'reconnecting';
  const busy = p.actions.pending.size > 0;
  const who = speakable(call.callerName);
  const holding = p.actions.isPending('hold');
  const handoff = handoffOf(call, myId);

  return (
    <article className={`card call-card call-${badge.cls}`} data-testid="current-call" data-call-id={call.id} data-state={call.state}>
      <header className="call-card-head">
        <div>
          <div className="caller-line">
            <h2 className="caller-name" tabIndex={-1} data-focus-target>
              <MaskedText text={call.callerName} />
            </h2>
            {call.channel === 'phone' && <PhoneBadge size="normal" />}
            <span className="badge badge-queue" data-testid="call-queue" data-queue-id={call.queue.id}>
              <Icon name="hourglass" size={13} /> {call.queue.name}
              <span className="sr-only"> queue</span>
            </span>
          </div>
          {call.reason ? <p className="reason">“{call.reason}”</p> : <p className="muted">No reason given</p>}
        </div>
        <div className="call-card-status">
          <span className={`badge badge-lg badge-${badge.cls}`} data-testid="call-state" data-state={call.state}>
            {badge.label}
          </span>
          <span className="timer timer-lg" data-testid="call-timer" title="Time since answered">
            {formatDuration(msSince(call.answeredAt ?? call.createdAt, now))}
          </span>
          {call.state === 'on_hold' && holdStart !== null && (
            <span className="hold-timer" data-testid="hold-timer">
              <Icon name="pause" size={14} /> on hold {formatDuration(now - holdStart)}
            </span>
          )}
        </div>
      </header>

      {beingIntroduced && (
        <p className="banner banner-info">
          <Icon name="users" /> {transfer.fromAgent.name} is introducing you to <MaskedText text={call.callerName} />. The call is yours now.
        </p>
      )}
      {call.state === 'ended' && <p className="banner banner-warn">Call ended — {endReasonForAgent(call.endReason)}</p>}
      {live && call.callerReconnecting && (
        <p className="banner banner-info" role="status" data-testid="caller-reconnecting">
          <span className="spinner spinner-small" aria-hidden /> <MaskedText text={call.callerName} />'s connection dropped — keeping the call while they reconnect.
        </p>
      )}

      {handoff && (
        <section className="handoff" data-testid="handoff" data-kind={handoff.kind} aria-labelledby={`handoff-${call.id}`}>
          <h3 id={`handoff-${call.id}`}>
            <Icon name="transfer" size={15} /> {handoff.title}
          </h3>
          {handoff.notes && (
            <p className="handoff-notes" data-testid="handoff-notes">
              <span className="muted">Note from {handoff.from}:</span> {handoff.notes}
            </p>
          )}
          <SummaryBlock summary={call.summary} testId="call-summary" />
        </section>
      )}

      <ParticipantsStrip />

      {!connected && live && (
        <div className="banner banner-warn">
          {room.status === 'connecting' ? (
            <>
              <span className="spinner spinner-small" aria-hidden /> Connecting audio…
            </>
          ) : room.dropReason === 'elsewhere' ? (
            <>
              <Icon name="alert" /> This call's audio is in another tab of yours.{' '}
              <button className="btn btn-small btn-primary" data-testid="use-this-tab" onClick={p.onRejoin} disabled={!owner}>
                Use this tab
              </button>
            </>
          ) : (
            <>
              <Icon name="alert" /> Your audio is not connected.{' '}
              <button className="btn btn-small btn-primary" onClick={p.onRejoin} disabled={!owner}>
                Reconnect audio
              </button>
            </>
          )}
        </div>
      )}
      {room.micError && <p className="banner banner-warn">{room.micError}</p>}
      {connected && !room.canPlayAudio && (
        <button className="btn btn-secondary" onClick={() => void callRoom.startAudio()}>
          <Icon name="volume" /> Click to hear the call
        </button>
      )}

      <div className="controls">
        <MuteButton connected={connected} />
        {owner && (
          <button
            data-testid="hold-button"
            className={`btn ${call.state === 'on_hold' ? 'btn-primary' : 'btn-secondary'}`}
            // Not disabled while the request runs: a disabled button drops keyboard focus to the body.
            // Only a hold already on its way makes a press a no-op: another pending action (the
            // accept still joining the room) must not swallow it silently.
            onClick={() => !holding && p.onHold(call.state !== 'on_hold')}
            disabled={!live || transferring}
            aria-busy={holding || undefined}
            aria-label={`${call.state === 'on_hold' ? 'Resume' : 'Hold'} call with ${who}`}
            aria-keyshortcuts="h"
            title={transferring ? 'The caller is on hold while you transfer' : undefined}
          >
            {holding ? <span className="spinner spinner-small" aria-hidden /> : call.state === 'on_hold' ? <Icon name="play" /> : <Icon name="pause" />}{' '}
            {call.state === 'on_hold' ? 'Resume' : 'Hold'}
          </button>
        )}
        {owner && (
          <button
            data-testid="hangup-button"
            className="btn btn-danger"
            onClick={p.onHangup}
            disabled={!live || transferring || busy}
            aria-label={`Hang up call with ${who}`}
            title={transferring ? 'Cancel the transfer first' : 'End the call for everyone'}
          >
            {p.actions.isPending('hangup') ? <span className="spinner spinner-small" aria-hidden /> : <Icon name="hangup" />} Hang up
          </button>
        )}
      </div>

      {(owner || myTransfer) && call.state !== 'ended' && (
        <TransferPanel
          call={call}
          transfer={myTransfer}
          agents={p.agents}
          queues={p.queues}
          queuesFetchedAt={p.queuesFetchedAt}
          myId={myId}
          actions={p.actions}
          canStart={owner && live && !transfer && !busy}
          defaultRingS={p.defaultRingS}
          phone={p.phone}
          onStart={(target, text, mode) => p.onStartTransfer(target, text, notes.flush, mode)}
          onComplete={(introduce) => myTransfer && p.onCompleteTransfer(myTransfer, introduce)}
          onCancel={() => myTransfer && p.onCancelTransfer(myTransfer)}
          onLeave={() => myTransfer && p.onLeave(myTransfer)}
        />
      )}

      <div className="call-card-cols">
        <NotesEditor notes={notes} disabled={!owner} />
        <Timeline entries={call.timeline} />
      </div>
    </article>
  );
}
