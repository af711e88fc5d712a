import { Type, type Static } from 'typebox';
import { DUMMY_HASH, verifyPassword } from '../auth/passwords.js';
import { newSecret } from '../auth/secrets.js';
import { AppError } from '../errors.js';
import { streamsOf } from '../events/streams.js';
import { SESSION_COOKIE, SESSION_TTL_S, sessionToken } from '../http/auth.js';
import { errors } from '../http/schemas.js';
import { findAgentByEmail } from '../store/agents-repo.js';
import { deleteSession, insertSession, markSessionPresent } from '../store/sessions-repo.js';
import type { RoutePlugin } from '../http/plugin.js';

const Login = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const authRoutes: RoutePlugin = async (app, { deps }) => {
  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in as an agent',
        body: Login,
        response: { 200: Type.Object({ token: Type.String(), agent: Type.Object({}, { additionalProperties: true }) }), ...errors(400, 401, 429) },
      },
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const agent = await findAgentByEmail(deps.db, req.body.email.trim());
      // Same work and same answer whether the email is unknown or the password wrong.
      const ok = await verifyPassword(req.body.password, agent?.passwordHash ?? DUMMY_HASH);
      if (!agent || !ok) throw new AppError('invalid_credentials', 'Email or password is incorrect.');
      const token = newSecret();
      await insertSession(deps.db, deps.secrets.hash(token), agent.id, new Date(Date.now() + SESSION_TTL_S * 1000));
      // Signing in counts as present for PRESENCE_OFFLINE_AFTER_S: time for the console to open its event stream.
      const present = await markSessionPresent(deps.db, deps.secrets.hash(token), deps.config.presenceOfflineAfterS);
      if (present?.wasOffline) await deps.bus.publish({ type: 'agents', agentId: agent.id });
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.config.env === 'production',
        path: '/',
        signed: true,
        maxAge: SESSION_TTL_S,
      });
      req.log.info({ agentId: agent.id }, 'agent signed in');
      return { token, agent: { id: agent.id, name: agent.name, email: agent.email } };
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out (revokes the session)' } }, async (req, reply) => {
    const token = sessionToken(req);
    if (token) {
      // The session's presence goes with its row: unless another session of the agent keeps a
      // console open, they are offline now. Its event streams end here at once, and on other
      // instances at their next heartbeat (which finds the session gone).
      const tokenHash = deps.secrets.hash(token);
      const agentId = await deleteSession(deps.db, tokenHash);
      streamsOf(deps).closeSession(tokenHash);
      if (agentId) await deps.bus.publish({ type: 'agents', agentId });
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });
};
