// What POST Calls.json and POST Calls/{Sid}.json do: validation with Twilio's error codes,
// then the call's lifecycle. Where no specific code was confirmed in Twilio's docs, the
// generic 21200 ("Calls Resource": missing url/twiml, invalid URL or parameter) is used.
import { EmulatedCall, type CallEnv, type CallSettings } from './call.js';
import { twilioError, type TwilioErrorBody } from './call-resource.js';
import { ringOutbound, type Behaviour } from './ring.js';
import { many, one, type Form } from './rest.js';

const E164 = /^\+[1-9]\d{1,14}$/;
const EVENTS = new Set(['initiated', 'ringing', 'answered', 'completed']);
/** Call.create doc comment: "Max 4000 characters". */
const MAX_TWIML = 4000;

export interface OutboundDeps {
  phoneNumber: string;
  env: () => CallEnv;
  behaviourFor: (to: string) => Behaviour;
  register: (call: EmulatedCall) => void;
}

const bad = (code: number, message: string) => twilioError(400, code, message);

export function createOutbound(form: Form, deps: OutboundDeps): EmulatedCall | TwilioErrorBody {
  const to = one(form, 'To');
  const from = one(form, 'From');
  const twiml = one(form, 'Twiml');
  const url = one(form, 'Url');
  if (!to) return bad(21201, "No 'To' number is specified");
  if (!E164.test(to)) return bad(21211, `Invalid 'To' Phone Number: ${to}`);
  if (!from) return bad(21213, "No 'From' number is specified");
  if (from !== deps.phoneNumber) return bad(21210, `The source phone number provided, ${from}, is not yet verified for your account. You may only make calls from phone numbers that you've verified or purchased from Twilio.`);
  if (!twiml && !url) return bad(21200, 'Url parameter is required.');
  if (twiml && twiml.length > MAX_TWIML) return bad(21200, `Twiml must be ${MAX_TWIML} characters or less (got ${twiml.length})`);
  if (url && !isAbsolute(url)) return bad(21200, `Url is not a valid URL: ${url}`);
  const statusCallback = one(form, 'StatusCallback');
  if (statusCallback && !isAbsolute(statusCallback)) return bad(21200, `StatusCallback is not a valid URL: ${statusCallback}`);
  const events = many(form, 'StatusCallbackEvent').flatMap((e) => e.split(/\s+/)).filter(Boolean);
  const unknown = events.find((e) => !EVENTS.has(e));
  if (unknown) return bad(21200, `Invalid StatusCallbackEvent: ${unknown}`);
  const timeout = one(form, 'Timeout');
  const timeoutS = timeout === undefined ? 60 : Number(timeout);
  if (!Number.isInteger(timeoutS) || timeoutS < 1) return bad(21200, `Invalid Timeout: ${timeout}`);
  const md = one(form, 'MachineDetection');
  if (md !== undefined && md !== 'Enable' && md !== 'DetectMessageEnd') return bad(21200, `Invalid MachineDetection: ${md}`);
  const asyncAmd = one(form, 'AsyncAmd') === 'true';
  const amdCallback = one(form, 'AsyncAmdStatusCallback');
  // Note §4: 21262 when AMD is asked for asynchronously without a callback URL.
  if (md && asyncAmd && !amdCallback) return bad(21262, 'AsyncAmdStatusCallback is required when AsyncAmd is true');
  if (amdCallback && !isAbsolute(amdCallback)) return bad(21200, `AsyncAmdStatusCallback is not a valid URL: ${amdCallback}`);

  const settings: CallSettings = {
    statusCallback,
    statusCallbackEvents: events.length > 0 ? events : ['completed'],
    machineDetection: md,
    asyncAmd,
    asyncAmdStatusCallback: amdCallback,
    timeoutS: Math.min(timeoutS, 600),
  };
  const call = new EmulatedCall('outbound-api', to, from, settings, deps.env());
  call.instructions = { twiml, url };
  deps.register(call);
  void ringOutbound(call, deps.behaviourFor(to));
  return call;
}

/**
 * Status=canceled hangs up a queued or ringing call and leaves an answered one alone;
 * Status=completed hangs up either (Twilio's "Modifying Live Calls" doc). A call that has
 * ended answers 400 21220. Twiml/Url replace the document (at once when answered).
 */
export function updateCall(call: EmulatedCall, form: Form): TwilioErrorBody | null {
  if (call.ended) return bad(21220, 'Call is not in-progress. Cannot redirect.');
  const status = one(form, 'Status');
  const twiml = one(form, 'Twiml');
  const url = one(form, 'Url');
  if (status !== undefined && status !== 'canceled' && status !== 'completed') return bad(21200, `Invalid Status: ${status}`);
  if (twiml && twiml.length > MAX_TWIML) return bad(21200, `Twiml must be ${MAX_TWIML} characters or less`);
  if (status === 'canceled') {
    if (!call.answered) void call.end('canceled');
    return null;
  }
  if (status === 'completed') {
    // Guess: hanging up a call that never answered records it as canceled.
    void call.end(call.answered ? 'completed' : 'canceled');
    return null;
  }
  if (twiml || url) {
    call.instructions = { twiml, url };
    if (call.answered) {
      void call.loadDocument().then((doc) => (doc ? call.execute(doc) : call.end('failed')));
    }
  }
  return null;
}

function isAbsolute(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
