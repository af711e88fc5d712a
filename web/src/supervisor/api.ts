// The supervisor's API calls (GET /api/supervisor/board, monitors, the agent's coach join).
// Types are the server's schemas' Static types (import type: erased from the bundle).
import type { MonitorMode } from '@warmline/contract';
import type { Board, MonitorGrant } from '../../../server/src/http/supervision-schemas';
import type { JoinInfo } from '../../../server/src/http/schemas';
import { ApiError } from '../shared/api';

export type { Board, BoardAgent, BoardCall, BoardQueue, MonitorGrant, MonitorView } from '../../../server/src/http/supervision-schemas';

async function send<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the Warmline server. Check your connection.');
  }
  const data = (await res.json().catch(() => null)) as { code?: unknown; message?: unknown } | null;
  if (!res.ok) {
    throw new ApiError(
      res.status,
      typeof data?.code === 'string' ? data.code : `http_${res.status}`,
      typeof data?.message === 'string' ? data.message : `The server answered ${res.status}.`,
    );
  }
  return data as T;
}

const enc = encodeURIComponent;

export const supervisorApi = {
  board: () => send<Board>('GET', '/api/supervisor/board'),
  monitor: (callId: string, mode: MonitorMode) => send<MonitorGrant>('POST', `/api/calls/${enc(callId)}/monitor`, { mode }),
  stop: (callId: string) => send<{ callId: string; monitoring: boolean }>('POST', `/api/calls/${enc(callId)}/monitor/stop`, {}),
  /** The agent: the coach room while a supervisor whispers to them. */
  coachJoin: (callId: string) => send<JoinInfo>('POST', `/api/calls/${enc(callId)}/coach/join`, {}),
};
