// The REST side: form-encoded requests with Basic auth on /2010-04-01/Accounts/{sid}/Calls,
// answered with Twilio-shaped JSON and Twilio's error bodies and codes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatedCall } from './call.js';
import { callResource, twilioError, type TwilioErrorBody } from './call-resource.js';

export type Form = Record<string, string | string[]>;

export interface RestRequest {
  method: string;
  path: string;
  form: Form;
}

/** The emulator's answers to a valid request: a call, or a Twilio error. */
export interface RestBackend {
  accountSid: string;
  authToken: string;
  /** API key SID (SK…) → secret, accepted like the account's own credentials. */
  apiKeys: Record<string, string>;
  phoneNumberSid: string;
  find(sid: string): EmulatedCall | undefined;
  list(): EmulatedCall[];
  create(form: Form): EmulatedCall | TwilioErrorBody;
  update(call: EmulatedCall, form: Form): TwilioErrorBody | null;
}

const CALLS = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\.json$/;
const CALL = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/([^/]+)\.json$/;

export async function handleRest(req: IncomingMessage, res: ServerResponse, backend: RestBackend, log: RestRequest[]): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!;
  const body = await readBody(req);
  const form = parseForm(body);
  log.push({ method: req.method ?? 'GET', path, form });
  const send = (status: number, json: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(json));
  };
  const notFound = () => send(404, twilioError(404, 20404, `The requested resource ${path} was not found`));

  if (!authorized(req, backend)) return send(401, twilioError(401, 20003, 'Authenticate'));
  const list = CALLS.exec(path);
  const one = CALL.exec(path);
  const account = list?.[1] ?? one?.[1];
  if (!account) return notFound();
  // Guess: credentials valid for another account's URL are refused like bad credentials.
  if (account !== backend.accountSid) return send(401, twilioError(401, 20003, 'Authenticate'));
  const resource = (c: EmulatedCall) => callResource(c, backend.accountSid, backend.phoneNumberSid);

  if (list && req.method === 'POST') {
    const created = backend.create(form);
    return 'sid' in created ? send(201, resource(created)) : send(created.status, created);
  }
  if (list && req.method === 'GET') {
    const calls = backend.list().map(resource);
    return send(200, { calls, end: Math.max(0, calls.length - 1), first_page_uri: `${path}?PageSize=50&Page=0`, next_page_uri: null, page: 0, page_size: 50, previous_page_uri: null, start: 0, uri: `${path}?PageSize=50&Page=0` });
  }
  if (one) {
    const call = backend.find(one[2]!);
    if (!call) return notFound();
    if (req.method === 'GET') return send(200, resource(call));
    if (req.method === 'POST') {
      const error = backend.update(call, form);
      return error ? send(error.status, error) : send(200, resource(call));
    }
  }
  return send(405, twilioError(405, 20004, 'Method not allowed'));
}

function authorized(req: IncomingMessage, backend: RestBackend): boolean {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  if (user === backend.accountSid) return secret === backend.authToken;
  return Object.hasOwn(backend.apiKeys, user) && backend.apiKeys[user] === secret;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Form fields; a repeated name (StatusCallbackEvent) becomes an array. */
export function parseForm(body: string): Form {
  const form: Form = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = form[k];
    form[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return form;
}

export function one(form: Form, name: string): string | undefined {
  const v = form[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function many(form: Form, name: string): string[] {
  const v = form[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
