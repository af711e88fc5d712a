// Agent authentication: an opaque session token, sent as the HttpOnly cookie the
// console uses or as `Authorization: Bearer` for API clients. Sessions live in the
// database, so any API instance can check them and logout revokes at once.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { findSessionAgent } from '../store/sessions-repo.js';
import type { Deps } from '../services/deps.js';

export const SESSION_COOKIE = 'wl_session';
export const SESSION_TTL_S = 12 * 60 * 60;

export interface AuthedAgent {
  agentId: string;
  name: string;
  email: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    agent: AuthedAgent | null;
  }
}

export function sessionToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || null;
  const raw = req.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = req.unsignCookie(raw);
  return unsigned.valid ? unsigned.value : null;
}

export async function loadAgent(deps: Deps, req: FastifyRequest): Promise<AuthedAgent | null> {
  const token = sessionToken(req);
  if (!token) return null;
  const agent = await findSessionAgent(deps.db, deps.secrets.hash(token));
  return agent ? { agentId: agent.id, name: agent.name, email: agent.email } : null;
}

/**
 * onRequest hook for agent-only routes: the session is checked before the body is parsed or
 * validated, so a request without one gets 401 and never a 400 that describes the schema.
 * @fastify/cookie (registered in app.ts before any route) fills req.cookies in its own root
 * onRequest hook, which runs before route-level onRequest hooks.
 */
export function requireAgent(deps: Deps) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    req.agent = await loadAgent(deps, req);
    if (!req.agent) throw new AppError('unauthorized', 'Sign in as an agent to use this route.');
  };
}

export function agentOf(req: FastifyRequest): AuthedAgent {
  if (!req.agent) throw new AppError('unauthorized', 'Sign in as an agent to use this route.');
  return req.agent;
}
