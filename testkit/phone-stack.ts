// The real stack with phones: the Twilio emulator (devkit/twilio-emulator) stands in for Twilio,
// reached only through TWILIO_API_BASE_URL and the public URL it believes it calls, exactly as
// the server would meet Twilio itself. Goertzel on the μ-law the emulated phone receives says
// what a phone heard.
import { startTwilioEmulator, type TwilioEmulator } from '../devkit/twilio-emulator/emulator.js';
import type { PlayedFrame } from '../devkit/twilio-emulator/media-client.js';
import { toneDetector } from './goertzel.js';
import type { PhoneBridgeStats } from '../server/src/phone/bridge.js';
import { phoneBridgesOf } from '../server/src/services/phone-bridges.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { eventually } from './participants.js';
import { freePort, startStack, type Stack, type StackOptions } from './stack.js';
import { ToneParticipant } from './tone-participant.js';

export const TWILIO = {
  accountSid: 'AC' + '0123456789abcdef'.repeat(2),
  authToken: 'emulator-auth-token-0123456789abcdef',
  number: '+15005550006',
  publicUrl: 'https://warmline.test',
};

export interface PhoneStack extends Stack {
  twilio: TwilioEmulator;
}

export async function startPhoneStack(opts: StackOptions = {}): Promise<PhoneStack> {
  const port = await freePort();
  const twilio = await startTwilioEmulator({
    accountSid: TWILIO.accountSid,
    authToken: TWILIO.authToken,
    publicUrl: TWILIO.publicUrl,
    appUrl: `http://127.0.0.1:${port}`,
    phoneNumber: TWILIO.number,
  });
  const stack = await startStack({
    ...opts,
    port,
    env: {
      TWILIO_ACCOUNT_SID: TWILIO.accountSid,
      TWILIO_AUTH_TOKEN: TWILIO.authToken,
      TWILIO_PHONE_NUMBER: TWILIO.number,
      TWILIO_API_BASE_URL: twilio.restBaseUrl,
      PUBLIC_URL: TWILIO.publicUrl,
      PHONE_ALLOWED_PREFIXES: '+1,+44',
      ...opts.env,
    },
  });
  return {
    ...stack,
    twilio,
    async stop() {
      await stack.stop();
      await twilio.close();
    },
  };
}

/** Frames (20 ms, 8 kHz) a phone heard in [from, to) with `freq` dominant, and all frames it heard then. */
export function phoneHeard(played: readonly PlayedFrame[], freq: number, from: number, to: number, targets: readonly number[]) {
  const detect = toneDetector({ sampleRate: 8000, targets });
  let frames = 0;
  let withTone = 0;
  for (const f of played) {
    if (f.atMs < from || f.atMs >= to) continue;
    frames++;
    if (detect(f.samples).tone === freq) withTone++;
  }
  return { frames, withTone };
}

/** What each phone bridge of the stack's API is doing (mode, tracks heard, publish attempts and failures). */
export function bridgesReport(stack: Stack): string {
  const bridges = phoneBridgesOf(stack.deps);
  const brief = (l: PhoneBridgeStats) => ({ mode: l.mode, published: l.published, publishAttempts: l.publishAttempts, publishFailures: l.publishFailures, tracks: l.tracks, trackFrames: l.trackFrames, mediaIn: l.mediaIn, mediaOut: l.mediaOut, clearsSent: l.clearsSent, rejoins: l.rejoins, rejoinFailures: l.rejoinFailures });
  return JSON.stringify({
    carried: (bridges?.stats() ?? []).map((l) => ({ role: l.role, ...brief(l) })),
    // A leg that ended says why (stop: the phone hung up; room_disconnected: LiveKit dropped it; …).
    ended: (bridges?.endedLegs() ?? []).map((e) => ({ role: e.role, reason: e.reason, stillWanted: e.stillWanted, at: e.at, ...(e.stats ? brief(e.stats) : {}) })),
  });
}

/**
 * eventually(), for a phone hearing something: a timeout says what the bridges were doing, and a
 * slow success (over `slowMs`) is reported on the console with the same facts, so a run that only
 * just made it still leaves the evidence (the bound is generous: the claim is "heard", not "fast";
 * how fast is measured by `npm run bench -- phone-handoff`).
 */
export async function phoneEventually(stack: Stack, check: () => Promise<boolean>, timeoutMs: number, label: string, slowMs = 5000): Promise<void> {
  const t0 = Date.now();
  try {
    await eventually(check, timeoutMs, label);
  } catch (err) {
    throw new Error(`${(err as Error).message}; bridges: ${bridgesReport(stack)}`);
  }
  const took = Date.now() - t0;
  if (took > slowMs) console.warn(`[phone] ${label} took ${took} ms; bridges: ${bridgesReport(stack)}`);
}

/**
 * A phone test file's stack and clean-up: the stack starts before its tests; after each test
 * whatever `tone` joined or `open` holds is closed; the stack stops after the file. Phone numbers
 * are `numberPrefix` + 4 digits, different for each call of nextNumber.
 */
export function phoneSuite(env: Record<string, string>, numberPrefix: string, targets: readonly number[]) {
  let stack: PhoneStack | null = null;
  const open: Array<{ close(): Promise<void> | void }> = [];
  let n = 0;
  beforeAll(async () => {
    stack = await startPhoneStack({ env });
  });
  afterEach(async () => {
    for (const p of open.splice(0)) await p.close();
  });
  afterAll(async () => stack?.stop());
  return {
    stack: () => stack!,
    open,
    nextNumber: () => `${numberPrefix}${String(1000 + n++).slice(-4)}`,
    /** A tone participant in the room, closed after the test. */
    async tone(label: string, url: string, token: string, freq: number | null) {
      const p = await ToneParticipant.join({ url, token, label, freq, targets });
      open.push(p);
      return p;
    },
  };
}
