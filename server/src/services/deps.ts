import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { EventBus } from '../events/bus.js';
import type { MediaControl } from '../livekit/media.js';
import type { MediaSync } from './media-sync.js';
import type { Db } from '../store/db.js';
import type { SecretHasher } from '../auth/secrets.js';
import type { SummaryProvider } from '../summary/types.js';
import type { PhoneNetwork } from '../phone/twilio.js';

/** Everything a use case may touch; built once in app.ts, swapped only in tests. */
export interface Deps {
  config: Config;
  db: Db;
  media: MediaControl;
  mediaSync: MediaSync;
  bus: EventBus;
  summary: SummaryProvider;
  secrets: SecretHasher;
  log: Logger;
  /** null when TWILIO_* is not configured: phone targets answer 400 phones_not_configured. */
  phone: PhoneNetwork | null;
}
