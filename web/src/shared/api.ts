// Thin JSON client for the Warmline API. Same origin, relative URLs, cookie auth for agents.
import type {
  CallerCallView,
  CallView,
  CreatedCall,
  DispositionList,
  Me,
  Presence,
  PublicConfig,
  QueueStat,
  RoomGrant,
  StatusChoice,
  Topic,
  TransferMode,
  TransferTarget,
  TransferView,
  WrapUpView,
} from './types';
import type { TalkTo } from '@warmline/contract';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PUT';

async function request<T>(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the Warmline server. Check your connection.');
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = (data ?? {}) as { code?: unknown; message?: unknown };
    throw new ApiError(
      res.status,
      typeof err.code === 'string' ? err.code : `http_${res.status}`,
      typeof err.message === 'string' ? err.message : `The server answered ${res.status} ${res.statusText}.`,
    );
  }
  return data as T;
}

/**
 * This console tab's id: sessionStorage survives a reload of the tab but is not shared with
 * other tabs, so the server can tell "the same tab came back" from "a second tab".
 */
export function consoleTabId(): string {
  const KEY = 'warmline.console.tab';
  try {
    let id = sessionStorage.getItem(KEY);
    if (!id) {
      id = crypto.randomUUID().replace(/-/g, '');
      sessionStorage.setItem(KEY, id);
    }
    return id;
  } catch {
    return 'no-storage';
  }
}
const tabHeader = () => ({ 'X-Console-Tab': consoleTabId() });

/** Human-readable message for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

const callerHeaders = (callerKey: string) => ({ 'X-Caller-Key': callerKey });
const enc = encodeURIComponent;

export const api = {
  // Public
  config: () => request<PublicConfig>('GET', '/api/config'),

  // Caller (no login; the callerKey proves ownership of the call)
  /** The queues a caller may choose (GET /api/topics). */
  topics: () => request<Topic[]>('GET', '/api/topics'),
  createCall: (name: string, reason: string, queueId?: string) =>
    request<CreatedCall>('POST', '/api/calls', { name, reason, ...(queueId ? { queueId } : {}) }),
  getCallAsCaller: (id: string, callerKey: string) =>
    request<CallerCallView>('GET', `/api/calls/${enc(id)}`, undefined, callerHeaders(callerKey)),
  hangupAsCaller: (id: string, callerKey: string) =>
    request<CallerCallView>('POST', `/api/calls/${enc(id)}/hangup`, {}, callerHeaders(callerKey)),
  /** The same call after a reload or a lost connection: a fresh short-lived token. */
  rejoinAsCaller: (id: string, callerKey: string) =>
    request<RoomGrant>('POST', `/api/calls/${enc(id)}/join`, {}, callerHeaders(callerKey)),

  // Agent session
  login: (email: string, password: string) =>
    request<{ token: string; agent: { id: string; name: string; email: string } }>('POST', '/api/auth/login', {
      email,
      password,
    }),
  logout: () => request<unknown>('POST', '/api/auth/logout', {}),
  me: () => request<Me>('GET', '/api/agents/me'),
  setStatus: (choice: StatusChoice) => request<Presence>('POST', '/api/agents/me/status', choice),
  agents: () => request<Presence[]>('GET', '/api/agents'),
  queue: () => request<CallView[]>('GET', '/api/queue'),
  /** Each queue's waiting count, longest wait and available agents (GET /api/queues). */
  queues: () => request<QueueStat[]>('GET', '/api/queues'),

  /** The newest calls this agent took part in (a supervisor: all), optionally with one disposition. */
  recentCalls: (disposition?: string) => request<CallView[]>('GET', `/api/calls${disposition ? `?disposition=${enc(disposition)}` : ''}`),
  dispositions: () => request<DispositionList>('GET', '/api/dispositions'),
  wrapUp: (callId: string, disposition: string, notes: string) =>
    request<WrapUpView>('POST', `/api/calls/${enc(callId)}/wrapup`, { disposition, notes }),
  getCall: (id: string) => request<CallView>('GET', `/api/calls/${enc(id)}`),

  // Agent call control
  acceptCall: (id: string) => request<RoomGrant>('POST', `/api/calls/${enc(id)}/accept`, {}, tabHeader()),
  /** A fresh short-lived token for the call this agent is on (reload, lost network, "use this tab"). */
  rejoinAsAgent: (id: string, takeOver = false) =>
    request<RoomGrant>('POST', `/api/calls/${enc(id)}/join`, takeOver ? { takeOver } : {}, tabHeader()),
  hold: (id: string, hold: boolean) => request<CallView>('POST', `/api/calls/${enc(id)}/hold`, { hold }),
  hangup: (id: string) => request<CallView>('POST', `/api/calls/${enc(id)}/hangup`, {}),
  saveNotes: (id: string, notes: string) => request<unknown>('PUT', `/api/calls/${enc(id)}/notes`, { notes }),

  // Transfers
  startTransfer: (callId: string, target: TransferTarget, notes: string, mode?: TransferMode) =>
    request<TransferView>('POST', `/api/calls/${enc(callId)}/transfers`, {
      target,
      ...(mode ? { mode } : {}),
      ...(notes.trim() ? { notes } : {}), // the server trims (and keeps a leading U+FEFF as typed)
    }),
  getTransfer: (id: string) => request<TransferView>('GET', `/api/transfers/${enc(id)}`),
  acceptTransfer: (id: string) => request<RoomGrant>('POST', `/api/transfers/${enc(id)}/accept`, {}, tabHeader()),
  declineTransfer: (id: string) => request<unknown>('POST', `/api/transfers/${enc(id)}/decline`, {}),
  cancelTransfer: (id: string) => request<unknown>('POST', `/api/transfers/${enc(id)}/cancel`, {}),
  completeTransfer: (id: string, introduce: boolean) =>
    request<TransferView>('POST', `/api/transfers/${enc(id)}/complete`, introduce ? { introduce: true } : {}),
  /** B leaves the consultation (declining after the briefing): the caller goes back to A. */
  leaveTransfer: (id: string) => request<TransferView>('POST', `/api/transfers/${enc(id)}/leave`, {}),
  /** A chooses who they talk to while consulting; the other is held by the media server. */
  focusTransfer: (id: string, talkTo: TalkTo) => request<TransferView>('POST', `/api/transfers/${enc(id)}/focus`, { talkTo }),
};
