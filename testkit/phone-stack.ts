// The real stack with phones: the Twilio emulator (devkit/twilio-emulator) stands in for Twilio,
// reached only through TWILIO_API_BASE_URL and the public URL it believes it calls, exactly as
// the server would meet Twilio itself. Goertzel on the μ-law the emulated phone receives says
// what a phone heard.
import { startTwilioEmulator, type TwilioEmulator } from '../devkit/twilio-emulator/emulator.js';
import type { PlayedFrame } from '../devkit/twilio-emulator/media-client.js';
import { toneDetector } from './goertzel.js';
import { freePort, startStack, type Stack, type StackOptions } from './stack.js';

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
