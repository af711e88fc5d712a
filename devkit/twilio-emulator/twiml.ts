// TwiML → the verbs the emulator runs. The whole document is checked before anything runs,
// as Twilio does: malformed XML, a missing <Response>, an unknown or unimplemented verb, or
// a <Stream> URL Twilio would not connect to is an application error for the call.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface StreamSpec {
  url: string;
  name?: string;
  statusCallback?: string;
  parameters: Record<string, string>;
}

export type Verb =
  | { verb: 'Say'; text: string; loop: number }
  | { verb: 'Pause'; length: number }
  | { verb: 'Play'; url: string; loop: number }
  | { verb: 'Hangup' }
  | { verb: 'Reject'; reason: 'rejected' | 'busy' }
  | { verb: 'Connect'; action?: string; stream: StreamSpec };

/** A Twilio error code and message, as the debugger would log it. */
export interface TwilioAppError {
  code: number;
  message: string;
}

export class TwimlError extends Error {
  constructor(readonly appError: TwilioAppError) {
    super(`${appError.code}: ${appError.message}`);
  }
}

type Node = Record<string, any>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
});

/** Verbs of real TwiML the emulator does not run: named so the error says so. */
const KNOWN_BUT_UNIMPLEMENTED = new Set(['Dial', 'Enqueue', 'Gather', 'Leave', 'Record', 'Redirect', 'Refer', 'Start', 'Stop', 'Pay', 'Prompt', 'Sms']);

export function parseTwiml(xml: string): Verb[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new TwimlError({ code: 12100, message: `Document parse failure: ${valid.err.msg} (line ${valid.err.line})` });
  const doc = parser.parse(xml) as Node[];
  const roots = doc.filter((n) => !('?xml' in n));
  const response = roots.length === 1 ? roots[0]!.Response : undefined;
  if (!Array.isArray(response)) throw new TwimlError({ code: 12100, message: 'Document parse failure: the root element must be <Response>' });
  return response.filter((n: Node) => !('#text' in n)).map(toVerb);
}

function nameOf(node: Node): string {
  return Object.keys(node).find((k) => k !== ':@')!;
}

function textOf(node: Node, name: string): string {
  return (node[name] as Node[])
    .map((c) => (c['#text'] !== undefined ? String(c['#text']) : ''))
    .join(' ')
    .trim();
}

function toVerb(node: Node): Verb {
  const name = nameOf(node);
  const attrs: Record<string, string> = node[':@'] ?? {};
  switch (name) {
    case 'Say':
      return { verb: 'Say', text: textOf(node, name), loop: count(attrs.loop, 1) };
    case 'Pause':
      return { verb: 'Pause', length: count(attrs.length, 1) };
    case 'Play': {
      const url = textOf(node, name);
      if (!url) throw new TwimlError({ code: 12200, message: '<Play> needs a URL' });
      return { verb: 'Play', url, loop: count(attrs.loop, 1) };
    }
    case 'Hangup':
      return { verb: 'Hangup' };
    case 'Reject':
      return { verb: 'Reject', reason: attrs.reason === 'busy' ? 'busy' : 'rejected' };
    case 'Connect':
      return { verb: 'Connect', action: attrs.action, stream: streamOf(node[name] as Node[]) };
    default:
      if (KNOWN_BUT_UNIMPLEMENTED.has(name)) throw new TwimlError({ code: 12100, message: `<${name}> is valid TwiML but the emulator does not implement it` });
      throw new TwimlError({ code: 12200, message: `Schema validation failure: <${name}> is not a TwiML verb` });
  }
}

function streamOf(children: Node[]): StreamSpec {
  const elements = children.filter((n) => !('#text' in n));
  const streams = elements.filter((n) => nameOf(n) === 'Stream');
  if (streams.length !== 1 || elements.length !== 1) {
    throw new TwimlError({ code: 12100, message: '<Connect> must contain exactly one <Stream> (the only noun the emulator implements)' });
  }
  const node = streams[0]!;
  const attrs: Record<string, string> = node[':@'] ?? {};
  const url = attrs.url ?? '';
  checkStreamUrl(url);
  const parameters: Record<string, string> = {};
  for (const child of (node.Stream as Node[]).filter((n) => !('#text' in n))) {
    if (nameOf(child) !== 'Parameter') throw new TwimlError({ code: 12200, message: `<Stream> may only contain <Parameter>, not <${nameOf(child)}>` });
    const p: Record<string, string> = child[':@'] ?? {};
    if (!p.name) throw new TwimlError({ code: 12200, message: '<Parameter> needs a name' });
    // Stream doc: name + value together must be under 500 characters.
    if (p.name.length + (p.value ?? '').length >= 500) throw new TwimlError({ code: 12200, message: `<Parameter name="${p.name}"> is 500 characters or more` });
    parameters[p.name] = p.value ?? '';
  }
  return { url, name: attrs.name, statusCallback: attrs.statusCallback, parameters };
}

/** Stream doc: wss is the only protocol, and the URL does not support a query string. */
function checkStreamUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TwimlError({ code: 31923, message: `Stream - WebSocket - Malformed URL: ${JSON.stringify(url)} (relative URLs are not supported by the emulator)` });
  }
  if (u.protocol !== 'wss:') throw new TwimlError({ code: 31922, message: `Stream - WebSocket - URL Schema Not Supported: ${u.protocol} (only wss)` });
  if (u.search || url.includes('?')) throw new TwimlError({ code: 31923, message: 'Stream - WebSocket - Malformed URL: the Stream url does not support query string parameters; use <Parameter>' });
}

function count(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new TwimlError({ code: 12200, message: `not a valid number: ${JSON.stringify(raw)}` });
  return n;
}
