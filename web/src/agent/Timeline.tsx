import { useEffect, useRef } from 'react';
import { clockTime, timelineDetail, timelineWords } from '../shared/format';
import type { TimelineEntry } from '../shared/types';

function tone(type: string): string {
  if (/declin|timed_out|fail|cancel|left|hangup|ended/.test(type)) return 'bad';
  if (/transfer|summary|handover|introduc/.test(type)) return 'transfer';
  if (/hold|resume/.test(type)) return 'hold';
  if (/accept|answer|join|complet/.test(type)) return 'good';
  return 'neutral';
}

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
      <ol className="timeline" data-testid={testId} ref={list}>
        {entries.length === 0 && <li className="empty">Nothing yet.</li>}
        {entries.map((e, i) => {
          const detail = timelineDetail(e.detail);
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
