import { useEffect, useRef } from 'react';
import { clockTime, timelineDetail, timelineWords } from '../shared/format';
import type { TimelineEntry, TimelineEvent } from '../shared/types';
import { readableDetail } from './timelineFacts';

/** The dot's colour for each event the server writes (a new event fails the type check until it has one). */
const TONE: Record<TimelineEvent, 'good' | 'bad' | 'hold' | 'transfer' | 'neutral'> = {
  created: 'neutral',
  accepted: 'good',
  held: 'hold',
  resumed: 'hold',
  ended: 'bad',
  agent_dropped: 'neutral',
  handed_over: 'transfer',
  requeued: 'transfer',
  wrapped_up: 'neutral',
  disposition_set: 'neutral',
  transfer_requested: 'transfer',
  summary_ready: 'transfer',
  transfer_accepted: 'transfer',
  transfer_introducing: 'transfer',
  transfer_completed: 'transfer',
  transfer_cancelled: 'bad',
  transfer_declined: 'bad',
  transfer_timed_out: 'bad',
  transfer_failed: 'bad',
  transfer_caller_left: 'bad',
  phone_dialed: 'transfer',
  phone_ringing: 'transfer',
  phone_answered: 'good',
  phone_connected: 'good',
  phone_ended: 'neutral',
  caller_joined: 'good',
  agent_joined: 'good',
  caller_disconnected: 'neutral',
  agent_disconnected: 'neutral',
  monitor_started: 'neutral',
  monitor_changed: 'neutral',
  monitor_ended: 'neutral',
  supervisor_joined: 'neutral',
  supervisor_disconnected: 'neutral',
};
const tone = (type: TimelineEvent) => TONE[type] ?? 'neutral';

export function Timeline({ entries, testId = 'timeline' }: { entries: TimelineEntry[]; testId?: string }) {
  // Keep the newest entry in view.
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [entries.length]);
  return (
    <section className="timeline-section">
      <h3>Timeline</h3>
      {/* Scrollable: focusable so keyboard users can scroll it (WCAG 2.1.1). */}
      <ol className="timeline" data-testid={testId} ref={list} tabIndex={0} aria-label="Call timeline">
        {entries.length === 0 && <li className="empty">Nothing yet.</li>}
        {entries.map((e, i) => {
          const detail = timelineDetail(readableDetail(e.detail)); // names, never a raw id
          return (
            <li key={`${e.at}-${i}`} className={`timeline-item tone-${tone(e.type)}`} data-testid={`${testId}-item`} data-type={e.type}>
              <time dateTime={e.at}>{clockTime(e.at)}</time>
              <span className="what">{timelineWords(e.type)}</span>
              {detail && <span className="detail">{detail}</span>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
