// The console's queue stats (GET /api/queues' fields: waiting, longest wait, available agents,
// mine). They come in the event stream's `queue` events (useAgentData; a GET only when the stream
// does not carry them), so nothing here fetches or polls: the longest wait ticks locally from
// `fetchedAt`.
import type { QueueStat } from '../shared/types';

export interface Queues {
  list: QueueStat[];
  /** Date.now() when `list` arrived: longest wait now = longestWaitS + (now - fetchedAt). */
  fetchedAt: number;
  /** false until the first stats (and when the server has no /api/queues). */
  loaded: boolean;
}

const NONE: QueueStat[] = []; // one empty list, so that consumers' effects do not rerun for nothing

export function useQueues(stats: QueueStat[] | null, receivedAt: number): Queues {
  return { list: stats ?? NONE, fetchedAt: receivedAt, loaded: stats !== null };
}
