// The phone playground: a Twilio emulator in manual mode plus the stand-in phone page.
//
//   npx tsx devkit/twilio-emulator/cli.ts [--port 3050] [--app http://127.0.0.1:3000]
//
// Then start Warmline with the environment it prints (REST goes to the emulator, webhooks
// and the media socket come from it) and open the phone page it prints.
import { parseArgs } from 'node:util';
import { startTwilioEmulator } from './emulator.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.TWILIO_EMULATOR_PORT ?? '3050' },
    app: { type: 'string', default: process.env.APP_URL ?? 'http://127.0.0.1:3000' },
    public: { type: 'string', default: process.env.PUBLIC_URL ?? 'https://warmline.test' },
    account: { type: 'string', default: process.env.TWILIO_ACCOUNT_SID ?? 'AC' + '0'.repeat(31) + '1' },
    token: { type: 'string', default: process.env.TWILIO_AUTH_TOKEN ?? 'dev-twilio-auth-token' },
    number: { type: 'string', default: process.env.TWILIO_PHONE_NUMBER ?? '+15005550006' },
    auto: { type: 'string' }, // human | machine | busy | no-answer | failed: answer without the page
  },
});

if (!values.public.startsWith('https://')) {
  // Twilio only calls https webhooks and only opens wss:// streams; the emulator routes them to --app.
  console.error(`--public must be an https URL (got ${values.public}); the emulator sends its requests to --app`);
  process.exit(2);
}
const auto = values.auto as 'human' | 'machine' | 'busy' | 'no-answer' | 'failed' | undefined;

const emu = await startTwilioEmulator({
  accountSid: values.account,
  authToken: values.token,
  publicUrl: values.public,
  appUrl: values.app,
  phoneNumber: values.number,
  port: Number(values.port),
  defaultBehaviour: auto ? { answer: auto, toneHz: 1000, ringMs: 1500 } : { answer: 'manual' },
});

emu.onCall((call) => {
  console.log(`${call.direction === 'inbound' ? '←' : '→'} ${call.sid} ${call.from} → ${call.to}`);
  let last = '';
  call.onChange(() => {
    if (call.status === last) return;
    last = call.status;
    console.log(`  ${call.sid} ${call.status}${call.errors.length ? ` errors: ${call.errors.map((e) => `${e.code} ${e.message}`).join('; ')}` : ''}`);
  });
});

console.log(`Twilio emulator on ${emu.restBaseUrl} (requests for ${values.public} go to ${values.app})

Start Warmline with:
  TWILIO_API_BASE_URL=${emu.restBaseUrl} \\
  TWILIO_ACCOUNT_SID=${values.account} \\
  TWILIO_AUTH_TOKEN=${values.token} \\
  TWILIO_PHONE_NUMBER=${values.number} \\
  PUBLIC_URL=${values.public} \\
  PHONE_ALLOWED_PREFIXES=+1

Phone page: ${emu.phoneUrl}${auto ? `\nEvery call is answered automatically: ${auto}` : ''}
Ctrl-C stops.`);

const stop = async () => {
  await emu.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
