// `npm start`: everything on embedded defaults (PGlite, pinned LiveKit dev server,
// local summaries) on one port. Ctrl-C stops the API and LiveKit.
//
// When no LIVEKIT_URL/KEY/SECRET is given (and NODE_ENV is not production), this process
// starts a private livekit-server (devkit/dev-livekit.ts: free loopback ports, webhooks to
// the API's /livekit/webhook written into its YAML) and then the API (server/src/main.ts)
// with LIVEKIT_URL/KEY/SECRET in its environment. The API itself never starts LiveKit.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, ensureNodeModules, ensureWebBuild } from './prepare.mjs';

ensureNodeModules();
ensureWebBuild();
const say = (m) => console.log(`[warmline] ${m}`);

const env = { ...process.env };
let devLivekit = null;
const given = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'].some((k) => process.env[k]);
if (!given && process.env.NODE_ENV !== 'production') {
  const { findOrInstallLivekit } = await import('../devkit/ensure-livekit.mjs');
  const { tsImport } = await import('tsx/esm/api'); // after npm install
  const { startDevLivekit } = await tsImport('../devkit/dev-livekit.ts', import.meta.url);
  const binary = await findOrInstallLivekit({ log: say });
  // livekit-server reads its webhook URL once, at start: the API's port is known now.
  const port = process.env.PORT || '3000';
  devLivekit = await startDevLivekit({
    binary,
    webhookUrl: `http://127.0.0.1:${port}/livekit/webhook`,
    logDir: path.resolve(ROOT, process.env.DATA_DIR ?? 'data'),
    log: say,
  });
  say(`LiveKit dev server ${devLivekit.url} (log: ${devLivekit.logFile})`);
  Object.assign(env, { LIVEKIT_URL: devLivekit.url, LIVEKIT_API_KEY: devLivekit.apiKey, LIVEKIT_API_SECRET: devLivekit.apiSecret });
}

// `npm run phones`: the same, plus the local Twilio emulator (devkit/twilio-emulator) and its phone
// page, so phone transfers and dial-in work without a Twilio account. The API meets it only
// through TWILIO_API_BASE_URL and signed webhooks, as it would meet Twilio.
let emulator = null;
if (process.argv.includes('--phones')) {
  const { tsImport } = await import('tsx/esm/api');
  const { startTwilioEmulator } = await tsImport('../devkit/twilio-emulator/emulator.ts', import.meta.url);
  const port = process.env.PORT || '3000';
  const twilio = {
    accountSid: 'AC' + '00000000000000000000000000000000',
    authToken: 'local-emulator-auth-token',
    phoneNumber: '+15005550006',
    publicUrl: 'https://warmline.localhost',
  };
  emulator = await startTwilioEmulator({ ...twilio, appUrl: `http://127.0.0.1:${port}`, defaultBehaviour: { answer: 'manual' } });
  Object.assign(env, {
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_PHONE_NUMBER: twilio.phoneNumber,
    TWILIO_API_BASE_URL: emulator.restBaseUrl,
    PUBLIC_URL: twilio.publicUrl,
  });
  say(`Twilio emulator ${emulator.restBaseUrl}; phone page ${emulator.phoneUrl} (answer calls to any +1 number, or call in)`);
}

const api = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/src/main.ts')], { cwd: ROOT, stdio: 'inherit', env });
const apiExited = new Promise((resolve) => api.once('exit', (code, signal) => resolve({ code, signal })));

let stopping = false;
/** Stops the API (it drains within SHUTDOWN_TIMEOUT_MS by itself), then LiveKit; bounded either way. */
async function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), Number(process.env.SHUTDOWN_TIMEOUT_MS || 10_000) + 15_000).unref(); // the watchdog still ends livekit-server
  if (api.exitCode === null && api.signalCode === null) api.kill(signal);
  // The API drains within SHUTDOWN_TIMEOUT_MS and then exits by itself; this is the backstop.
  const kill = setTimeout(() => api.kill('SIGKILL'), Number(process.env.SHUTDOWN_TIMEOUT_MS || 10_000) + 2_000);
  const { code } = await apiExited;
  clearTimeout(kill);
  await devLivekit?.stop().catch((err) => say(`stopping LiveKit: ${err.message}`));
  await emulator?.close().catch(() => {});
  process.exit(code ?? 0);
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void stopAll(sig));
// The API ended by itself (bad configuration, crash): take LiveKit down with it.
void apiExited.then(async ({ code, signal }) => {
  if (stopping) return;
  stopping = true;
  await devLivekit?.stop().catch(() => {});
  process.exit(code ?? (signal ? 0 : 1));
});
