// The agent console: sign-in, then queue + colleagues on the left, the current call (or an
// incoming transfer / consultation) in the middle.
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api, errorMessage } from '../shared/api';
import { unlockAudioOnGesture } from '../shared/audioContext';
import { callRoom } from '../shared/livekit';
import { ringTone } from '../shared/ringTone';
import type { CallView, PublicConfig } from '../shared/types';
import { isOpenTransfer } from '../shared/types';
import { CallCard } from './CallCard';
import { ConsoleHeader } from './ConsoleHeader';
import { IdlePanel } from './IdlePanel';
import { WrapUpPanel } from './WrapUpPanel';
import { IncomingTransferCard } from './IncomingTransferCard';
import { LoginForm } from './LoginForm';
import { NoticeBanners } from './NoticeBanners';
import { PresencePanel } from './PresencePanel';
import { QueuePanel } from './QueuePanel';
import { RecentCallsPanel } from './RecentCallsPanel';
import { engagedCall } from './engagement';
import { useFocusKeeper, viewKey } from './focusKeeper';
import { TransferAlert } from './TransferAlert';
import { useActions } from './useActions';
import { useAgentData } from './useAgentData';
import { useAgentRoom } from './useAgentRoom';
import { SupervisionNotice } from '../supervisor/SupervisionNotice';
import { useNotices } from './useNotices';
import { useTransferOutcomes } from './useTransferOutcomes';
import { useQueues } from './useQueues';

const DEFAULT_RING_S = 30;

export function AgentConsole() {
  const data = useAgentData();
  const notices = useNotices();
  const actions = useActions(notices, () => void data.refreshMe());
  const room = useAgentRoom(data.me, data.meSentAt, data.refreshMe);
  const declinedByMe = useRef(new Set<string>());
  const [config, setConfig] = useState<PublicConfig | null>(null);
  useTransferOutcomes(data.me, notices, declinedByMe);
  // Each queue's waiting count and longest wait: they come with the stream's queue events.
  const queues = useQueues(data.queueStats, data.queueStatsAt);

  useEffect(() => {
    unlockAudioOnGesture();
    api
      .config()
      .then(setConfig)
      .catch(() => setConfig({ devMode: false, transferRingTimeoutS: DEFAULT_RING_S, phone: null }));
  }, []);

  const me = data.me;
  const engaged = engagedCall(me);
  const ringing = useMemo(() => (me?.incomingTransfers ?? []).filter((t) => t.state === 'ringing'), [me]);
  const acceptingTransfer = ringing.some((t) => actions.isPending(`accept-${t.id}`));
  useFocusKeeper(viewKey(me, ringing)); // focus follows what an action opened (focusKeeper.ts)

  // Ring while a transfer is waiting for us.
  const shouldRing = ringing.length > 0 && !acceptingTransfer;
  useEffect(() => {
    if (shouldRing) ringTone.start();
    else ringTone.stop();
  }, [shouldRing]);
  useEffect(() => () => ringTone.stop(), []);

  // Tab title shows what needs attention.
  const firstRinging = ringing[0];
  useEffect(() => {
    document.title = firstRinging
      ? `(!) Transfer from ${firstRinging.fromAgent.name} — Warmline`
      : data.queue.length > 0
        ? `(${data.queue.length}) Warmline — Agent console`
        : 'Warmline — Agent console';
  }, [firstRinging, data.queue.length]);

  if (data.auth === 'checking') {
    return (
      <div className="login-page">
        <p className="muted">
          <span className="spinner" aria-hidden /> Loading…
        </p>
      </div>
    );
  }
  if (data.auth === 'signed_out' || !me) {
    return <LoginForm onSignedIn={data.signedIn} />;
  }

  const myId = me.agent.id;
  const acceptingCallId = data.queue.find((c) => actions.isPending(`accept-call-${c.id}`))?.id ?? null;
  // After-call work: no call from the queue until Done (or WRAP_UP_TIMEOUT_S), as the server says.
  const wrapping = me.engagement.kind === 'wrap_up' ? me.engagement : null;
  const acceptBlocked = engaged ? 'Finish your current call first' : wrapping ? 'Finish your wrap-up first' : null;

  const acceptCall = (c: CallView) =>
    void actions
      .run(`accept-call-${c.id}`, () => room.join(c.id, () => api.acceptCall(c.id)), `Could not take ${c.callerName}'s call`)
      .then(() => data.refreshQueue());

  // What the server says the agent is in: their call (on_call; A introducing B sees the real call,
  // now B's), or B's consultation card; nothing is pieced together here.
  const engagement = me.engagement;
  const ownCall = engagement.kind === 'on_call' ? engagement.call : null;
  const shownCall = engagement.kind === 'on_call' || engagement.kind === 'introducing' ? engagement.call : null;
  const consult = engagement.kind === 'consulting' ? engagement.transfer : null;
  const outgoing = me.outgoingTransfer && isOpenTransfer(me.outgoingTransfer) ? me.outgoingTransfer : null;

  return (
    <div className="console">
      <ConsoleHeader
        agent={me.agent}
        live={data.live}
        statusPending={actions.isPending('status')}
        onStatus={(choice) =>
          void actions.run('status', () => api.setStatus(choice), 'Could not change your status').then(() => data.refreshAgents())
        }
        onLogout={() =>
          void (async () => {
            await api.logout().catch(() => undefined);
            await callRoom.leave();
            data.signedOut();
          })()
        }
      />
      <div className="console-body">
        <aside className="sidebar">
          <QueuePanel
            queue={data.queue}
            canAccept={!engaged && !wrapping}
            blockedReason={acceptBlocked}
            acceptingId={acceptingCallId}
            onAccept={acceptCall}
            queues={queues.list}
            queuesFetchedAt={queues.fetchedAt}
          />
          <PresencePanel agents={data.agents} myId={myId} />
          <RecentCallsPanel refreshKey={ownCall?.id ?? wrapping?.wrapUp.id ?? null} />
        </aside>
        <main className="console-main">
          <NoticeBanners notices={notices} />
          <TransferAlert ringing={ringing} />
          {ringing.map((t) => (
            <IncomingTransferCard
              key={t.id}
              transfer={t}
              actions={actions}
              canAccept={!engaged}
              onAccept={(tr) =>
                void actions.run(`accept-${tr.id}`, () => room.join(tr.callId, () => api.acceptTransfer(tr.id)), 'Could not accept the transfer')
              }
              onDecline={(tr) => {
                declinedByMe.current.add(tr.id);
                void actions.run(`decline-${tr.id}`, () => api.declineTransfer(tr.id), 'Could not decline');
              }}
              onRejoin={() => void room.rejoin()}
            />
          ))}
          {consult && (
            <IncomingTransferCard
              transfer={consult}
              actions={actions}
              canAccept={false}
              onAccept={() => undefined}
              onDecline={() => undefined}
              onRejoin={() => void actions.run('rejoin', () => room.rejoin(), 'Could not reconnect')}
            />
          )}
          {shownCall && <SupervisionNotice call={shownCall} myId={myId} />}
          {shownCall && (
            <CallCard
              call={shownCall}
              myId={myId}
              outgoing={outgoing && outgoing.callId === shownCall.id ? outgoing : null}
              agents={data.agents}
              queues={queues.list}
              queuesFetchedAt={queues.fetchedAt}
              actions={actions}
              defaultRingS={config?.transferRingTimeoutS || DEFAULT_RING_S}
              phone={config ? config.phone : undefined}
              onHold={(hold) => void actions.run('hold', () => api.hold(shownCall.id, hold), hold ? 'Could not hold' : 'Could not resume')}
              onHangup={() =>
                void actions.run(
                  'hangup',
                  async () => {
                    await api.hangup(shownCall.id);
                    await room.leave();
                  },
                  'Could not hang up',
                )
              }
              onRejoin={() => void actions.run('rejoin', () => room.rejoin(), 'Could not reconnect')}
              onStartTransfer={async (target, text, flushNotes, mode) => {
                // The server's refusal (a bad number, a busy colleague) is shown in the form, where
                // the agent fixes it; a 503 means it was recorded, so that one goes to the banners.
                const refused = { error: null as string | null };
                const ok = await actions.run(
                  'transfer-start',
                  async () => {
                    notices.clear('transfer-outcome');
                    await flushNotes(); // the summary is built from the saved notes
                    const started = await api.startTransfer(shownCall.id, target, text, mode).catch((err: unknown) => {
                      if (err instanceof ApiError && err.code === 'media_unavailable') throw err;
                      refused.error = errorMessage(err);
                    });
                    // Blind (and every queue transfer): A's part ended with the request; out of the room now.
                    if (started && (mode === 'blind' || target.type === 'queue')) await room.leave();
                  },
                  'Could not start the transfer',
                );
                return ok && !refused.error ? { ok: true } : { ok: false, error: refused.error };
              }}
              onCompleteTransfer={(t, introduce) =>
                void actions.run(
                  introduce ? 'transfer-introduce' : 'transfer-complete',
                  async () => {
                    await api.completeTransfer(t.id, introduce);
                    if (!introduce) await room.leave();
                  },
                  'Could not complete the transfer',
                )
              }
              onCancelTransfer={(t) => void actions.run('transfer-cancel', () => api.cancelTransfer(t.id), 'Could not cancel')}
              onLeave={(t) =>
                void actions.run(
                  'leave-call',
                  async () => {
                    await api.completeTransfer(t.id, false);
                    await room.leave();
                  },
                  'Could not leave the call',
                )
              }
            />
          )}
          {wrapping && !shownCall && (
            <WrapUpPanel
              wrapUp={wrapping.wrapUp}
              lastCall={wrapping.lastCall}
              pending={actions.isPending('wrap-up')}
              onDone={(disposition, notes) =>
                void actions
                  .run(
                    'wrap-up',
                    async () => {
                      await notes.flush(); // no save left to land after the wrap-up is over
                      await api.wrapUp(wrapping.wrapUp.callId, disposition, notes.value);
                    },
                    'Could not finish the wrap-up',
                  )
                  .then(() => data.refreshAgents())
              }
            />
          )}
          {!shownCall && !consult && !wrapping && ringing.length === 0 && (
            <IdlePanel status={me.agent.status} awayReason={me.agent.awayReason} queueLength={data.queue.length} />
          )}
        </main>
      </div>
    </div>
  );
}
