import { Type } from 'typebox';
import { PublicConfig } from '../http/schemas.js';
import type { RoutePlugin } from '../http/plugin.js';

const Health = Type.Object({ status: Type.String(), livekit: Type.String(), database: Type.String() });

export const healthRoutes: RoutePlugin = async (app, { deps }) => {
  app.get('/health', { schema: { tags: ['ops'], summary: 'LiveKit and database reachability', response: { 200: Health, 503: Health } } }, async (_req, reply) => {
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000))]);
        return 'ok';
      } catch {
        return 'down';
      }
    };
    const [livekit, database] = await Promise.all([check(() => deps.media.ping()), check(() => deps.db.query('SELECT 1'))]);
    const ok = livekit === 'ok' && database === 'ok';
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', livekit, database });
  });

  app.get('/api/config', { schema: { tags: ['ops'], summary: 'Public UI settings', response: { 200: PublicConfig } } }, async (): Promise<PublicConfig> => {
    const phone = deps.config.phone;
    return {
      devMode: deps.config.env !== 'production',
      transferRingTimeoutS: deps.config.transferRingTimeoutS,
      // Only what the console needs to help with a number; the Twilio credentials stay here.
      phone: phone && {
        allowedPrefixes: phone.allowedPrefixes,
        anyNumber: phone.allowedPrefixes.length === 0 && deps.config.env !== 'production',
      },
    };
  });
};
