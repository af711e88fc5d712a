// Environment parsed once at start-up into a typed object. Every bad variable is
// named in one error so an operator fixes them all in one go.
import { isIP } from 'node:net';
import path from 'node:path';
import { loadWrapUpConfig, type WrapUpConfig } from './config-wrap-up.js';
import { parseQueues, type QueueDef } from './config-queues.js';

export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | null; // null → embedded PGlite in dataDir
  /** DATABASE_POOL_SIZE: connections per instance to DATABASE_URL (default 10). */
  databasePoolSize: number;
  livekit: { url: string; apiKey: string; apiSecret: string } | null; // null → main.ts refuses to start (npm start supplies a dev server)
  sessionSecret: string;
  publicUrl: string | null;
  transferRingTimeoutS: number;
  media: {
    /** Bound for every LiveKit call; beyond it the request answers 503 media_unavailable. */
    timeoutMs: number;
    /** Join tokens live this long; LiveKit refreshes the token of a connected participant. */
    tokenTtlS: number;
    /** A participant who drops keeps their place this long (reloads, network blips). */
    reconnectGraceS: number;
    /** The reconciler compares every live room with the record this often. */
    reconcileIntervalS: number;
  };
  /** An agent with no open event stream (console) on any instance for this long is offline. */
  presenceOfflineAfterS: number;
  summary: {
    provider: 'local' | 'llm';
    llmBaseUrl?: string;
    llmApiKey?: string;
    llmModel?: string;
    groqApiKey?: string;
    timeoutMs: number;
  };
  logLevel: string;
  rateLimitPerMinute: number;
  /** null: phones are not configured (a phone target answers 400 phones_not_configured). */
  phone: PhoneConfig | null;
  /** Production edges (docs/OPERATIONS.md); loaded by loadOpsConfig below. */
  ops: OpsConfig;
  /** WRAP_UP_TIMEOUT_S and DISPOSITIONS (config-wrap-up.ts). */
  wrapUp: WrapUpConfig;
  /** QUEUES (config-queues.ts), synced at start-up; null: unset, the stored queues stay. */
  queues: QueueDef[] | null;
  /** Event streams (events/fanout.ts): EVENTS_FANOUT routed (default) or legacy; EVENTS_LIST_INTERVAL_MS. */
  events: { fanout: 'routed' | 'legacy'; listIntervalMs: number };
}

export interface OpsConfig {
  /** Fastify's trustProxy: false (TRUST_PROXY unset: no forwarded header is believed), a hop count, or proxy addresses/CIDRs. */
  trustProxy: false | number | string[];
  /** /metrics: on its own port (METRICS_PORT), and/or behind a bearer token (METRICS_TOKEN). */
  metrics: { port: number | null; token: string | null };
  /** /docs and /openapi.json: always outside production; in production only with API_DOCS=1. */
  apiDocs: boolean;
  /** SIGTERM: drain, then exit; never longer than this. */
  shutdownTimeoutMs: number;
}

export interface PhoneConfig {
  accountSid: string;
  /** Signs every Twilio webhook; also the REST password unless an API key is given. */
  authToken: string;
  apiKey?: { sid: string; secret: string };
  /** The Twilio number: caller ID of outbound calls, the number customers dial. */
  number: string;
  /** The https base Twilio reaches (webhooks, and wss:// for Media Streams). */
  publicUrl: string;
  /** unset → api.twilio.com; set → REST goes there (a local emulator in development and tests). */
  apiBaseUrl: string | null;
  /** E.164 prefixes that may be dialled; empty → nothing (production) or anything (development). */
  allowedPrefixes: string[];
  transfersPerMinute: number;
}

export const DEV_SESSION_SECRET = 'warmline-dev-session-secret-not-for-production';
const DEV_LIVEKIT_KEYS = new Set(['devkey', 'secret']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const str = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, def: number, min: number, max: number) => {
    const raw = str(name);
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return def;
    }
    return n;
  };
  const url = (name: string, protocols: string[]) => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')} (got "${u.protocol}")`);
      }
      return raw.replace(/\/+$/, '');
    } catch {
      problems.push(`${name} is not a valid URL (got "${raw}")`);
      return undefined;
    }
  };

  const nodeEnv = str('NODE_ENV') ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be development, production or test (got "${nodeEnv}")`);
  }
  const production = nodeEnv === 'production';

  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']) ?? null;
  const databasePoolSize = int('DATABASE_POOL_SIZE', 10, 1, 500);

  const lkUrl = url('LIVEKIT_URL', ['ws:', 'wss:', 'http:', 'https:']);
  const lkKey = str('LIVEKIT_API_KEY');
  const lkSecret = str('LIVEKIT_API_SECRET');
  let livekit: Config['livekit'] = null;
  if (lkUrl || lkKey || lkSecret) {
    if (!lkUrl) problems.push('LIVEKIT_URL is required when LIVEKIT_API_KEY/SECRET are set');
    if (!lkKey) problems.push('LIVEKIT_API_KEY is required when LIVEKIT_URL is set');
    if (!lkSecret) problems.push('LIVEKIT_API_SECRET is required when LIVEKIT_URL is set');
    if (lkUrl && lkKey && lkSecret) livekit = { url: lkUrl, apiKey: lkKey, apiSecret: lkSecret };
  }
  if (production) {
    if (!livekit) problems.push('LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET are required in production');
    else if (DEV_LIVEKIT_KEYS.has(livekit.apiKey) || DEV_LIVEKIT_KEYS.has(livekit.apiSecret)) {
      problems.push('LIVEKIT_API_KEY/LIVEKIT_API_SECRET must not be the dev defaults in production');
    }
  }

  let sessionSecret = str('SESSION_SECRET');
  if (sessionSecret === undefined) {
    if (production) problems.push('SESSION_SECRET is required in production (at least 32 characters)');
    sessionSecret = DEV_SESSION_SECRET;
  } else if (sessionSecret.length < 32) {
    problems.push('SESSION_SECRET must be at least 32 characters');
  } else if (production && sessionSecret === DEV_SESSION_SECRET) {
    problems.push('SESSION_SECRET must not be the development default in production');
  }

  const summaryProvider = str('SUMMARY_PROVIDER') ?? 'local';
  if (!['local', 'llm'].includes(summaryProvider)) {
    problems.push(`SUMMARY_PROVIDER must be local or llm (got "${summaryProvider}")`);
  }
  const llmBaseUrl = url('LLM_BASE_URL', ['http:', 'https:']);
  const llmApiKey = str('LLM_API_KEY');
  const groqApiKey = str('GROQ_API_KEY');
  if (summaryProvider === 'llm' && !llmBaseUrl && !llmApiKey && !groqApiKey) {
    problems.push('SUMMARY_PROVIDER=llm needs LLM_BASE_URL and/or LLM_API_KEY, or GROQ_API_KEY');
  }

  const phone = loadPhoneConfig(env, str, url, int, production, problems);
  const port = int('PORT', 3000, 0, 65535);
  const ops = loadOpsConfig(str, int, port, problems);

  const config: Config = {
    env: nodeEnv as Config['env'],
    host: str('HOST') ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port,
    dataDir: path.resolve(str('DATA_DIR') ?? './data'),
    databaseUrl,
    databasePoolSize,
    livekit,
    sessionSecret,
    publicUrl: url('PUBLIC_URL', ['http:', 'https:']) ?? null,
    transferRingTimeoutS: int('TRANSFER_RING_TIMEOUT_S', 30, 5, 600),
    media: {
      timeoutMs: int('MEDIA_TIMEOUT_MS', 2000, 100, 30000),
      tokenTtlS: int('JOIN_TOKEN_TTL_S', 60, 10, 3600),
      reconnectGraceS: int('RECONNECT_GRACE_S', 20, 1, 600),
      reconcileIntervalS: int('RECONCILE_INTERVAL_S', 10, 1, 3600),
    },
    presenceOfflineAfterS: int('PRESENCE_OFFLINE_AFTER_S', 10, 2, 600),
    summary: {
      provider: summaryProvider as 'local' | 'llm',
      llmBaseUrl,
      llmApiKey,
      llmModel: str('LLM_MODEL'),
      groqApiKey,
      timeoutMs: int('LLM_TIMEOUT_MS', 4000, 100, 60000),
    },
    logLevel: str('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'warn' : 'info'),
    rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', 30, 1, 100000),
    phone,
    ops: { ...ops, apiDocs: ops.apiDocs ?? !production },
    wrapUp: loadWrapUpConfig(str, int, problems),
    queues: parseQueues(str('QUEUES'), problems),
    events: { fanout: str('EVENTS_FANOUT') === 'legacy' ? 'legacy' : 'routed', listIntervalMs: int('EVENTS_LIST_INTERVAL_MS', 100, 10, 10000) },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

export const E164 = /^\+[1-9]\d{6,14}$/;

function loadPhoneConfig(
  env: Env,
  str: (n: string) => string | undefined,
  url: (n: string, p: string[]) => string | undefined,
  int: (n: string, d: number, min: number, max: number) => number,
  production: boolean,
  problems: string[],
): PhoneConfig | null {
  const accountSid = str('TWILIO_ACCOUNT_SID');
  const authToken = str('TWILIO_AUTH_TOKEN');
  const keySid = str('TWILIO_API_KEY');
  const keySecret = str('TWILIO_API_SECRET');
  const number = str('TWILIO_PHONE_NUMBER');
  const apiBaseUrl = url('TWILIO_API_BASE_URL', ['http:', 'https:']) ?? null;
  const prefixes = (str('PHONE_ALLOWED_PREFIXES') ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of prefixes) if (!/^\+\d{0,14}$/.test(p)) problems.push(`PHONE_ALLOWED_PREFIXES: "${p}" is not an E.164 prefix such as +1 or +44`);
  const transfersPerMinute = int('PHONE_TRANSFERS_PER_MINUTE', 5, 1, 1000);
  if (!accountSid && !authToken && !number && !keySid) return null;
  if (!accountSid || !accountSid.startsWith('AC')) problems.push('TWILIO_ACCOUNT_SID is required for phones and starts with AC');
  // Webhook signatures are always made with the auth token, even when REST uses an API key.
  if (!authToken) problems.push('TWILIO_AUTH_TOKEN is required for phones (it signs every Twilio webhook)');
  if ((keySid && !keySecret) || (!keySid && keySecret)) problems.push('TWILIO_API_KEY and TWILIO_API_SECRET go together');
  if (!number || !E164.test(number)) problems.push('TWILIO_PHONE_NUMBER is required for phones, in E.164 (e.g. +15551234567)');
  const publicUrl = url('PUBLIC_URL', ['http:', 'https:']);
  if (!publicUrl) problems.push('PUBLIC_URL is required for phones: the https address Twilio reaches');
  else if (production && !publicUrl.startsWith('https:')) problems.push('PUBLIC_URL must be https in production (Twilio Media Streams need wss)');
  if (!accountSid || !authToken || !number || !publicUrl) return null;
  return {
    accountSid,
    authToken,
    apiKey: keySid && keySecret ? { sid: keySid, secret: keySecret } : undefined,
    number,
    publicUrl,
    apiBaseUrl,
    allowedPrefixes: prefixes,
    transfersPerMinute,
  };
}

// TRUST_PROXY entries fastify (proxy-addr) understands besides addresses and CIDRs.
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function validProxyEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry) || isIP(entry)) return true;
  const [addr, bits, extra] = entry.split('/');
  if (extra !== undefined || !addr || !bits || !/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(addr);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

function loadOpsConfig(
  str: (n: string) => string | undefined,
  int: (n: string, d: number, min: number, max: number) => number,
  port: number,
  problems: string[],
): Omit<OpsConfig, 'apiDocs'> & { apiDocs: boolean | undefined } {
  let trustProxy: OpsConfig['trustProxy'] = false;
  const rawTrust = str('TRUST_PROXY');
  if (rawTrust !== undefined && rawTrust !== 'false') {
    if (/^\d+$/.test(rawTrust)) {
      const hops = Number(rawTrust);
      if (hops < 1 || hops > 10) problems.push(`TRUST_PROXY as a hop count must be between 1 and 10 (got "${rawTrust}")`);
      else trustProxy = hops;
    } else if (rawTrust === 'true') {
      // Trusting every address lets any client pick its own IP (and its own rate limit).
      problems.push('TRUST_PROXY=true would believe any client; name the proxies (addresses/CIDRs) or give a hop count');
    } else {
      const entries = rawTrust.split(',').map((e) => e.trim()).filter(Boolean);
      const bad = entries.filter((e) => !validProxyEntry(e));
      if (bad.length || entries.length === 0) {
        problems.push(`TRUST_PROXY must be a hop count or a comma list of addresses/CIDRs (or loopback, linklocal, uniquelocal); not ${bad.map((b) => `"${b}"`).join(', ') || `"${rawTrust}"`}`);
      } else trustProxy = entries;
    }
  }

  const metricsPort = str('METRICS_PORT') === undefined ? null : int('METRICS_PORT', 0, 1, 65535);
  if (metricsPort !== null && metricsPort === port) problems.push('METRICS_PORT must differ from PORT');
  const metricsToken = str('METRICS_TOKEN') ?? null;
  if (metricsToken !== null && metricsToken.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters');

  const rawDocs = str('API_DOCS');
  let apiDocs: boolean | undefined;
  if (rawDocs !== undefined) {
    if (['1', 'true'].includes(rawDocs)) apiDocs = true;
    else if (['0', 'false'].includes(rawDocs)) apiDocs = false;
    else problems.push(`API_DOCS must be 1 or 0 (got "${rawDocs}")`);
  }

  return {
    trustProxy,
    metrics: { port: metricsPort, token: metricsToken },
    apiDocs,
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 10_000, 1000, 600_000),
  };
}
