// A local stand-in for an OpenAI-compatible chat-completions endpoint (OpenAI, Groq...).
// Same URL, auth, request validation, response and error shapes as the real API, so the
// provider code under test is exactly the code that talks to Groq in production.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** 'no-json-schema' answers like a model without structured outputs: 400 on response_format json_schema. */
export type StandinMode = 'ok' | 'slow' | 'fail500' | 'garbage' | 'badshape' | 'empty' | 'no-json-schema';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown; // parsed JSON, or undefined when it did not parse
  clientAborted: boolean; // the client hung up before we answered (e.g. its timeout fired)
}

export interface ChatBody {
  model: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  temperature?: number;
  max_tokens?: number;
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: { name: string; strict?: boolean; schema: unknown } };
}

export interface LlmStandin {
  readonly baseUrl: string; // http://127.0.0.1:<port>/v1
  readonly apiKey: string;
  readonly requests: RecordedRequest[];
  setMode(mode: StandinMode, opts?: { delayMs?: number }): void;
  setReply(reply: string | ((body: ChatBody) => string)): void;
  close(): Promise<void>;
}

export interface StandinOptions {
  apiKey?: string;
  mode?: StandinMode;
  delayMs?: number;
  reply?: string | ((body: ChatBody) => string);
}

const ROLES = new Set(['system', 'user', 'assistant']);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function apiError(res: ServerResponse, status: number, message: string, type: string, code: string | null, param: string | null = null) {
  sendJson(res, status, { error: { message, type, param, code } });
}

/** Returns a problem sentence like the real API's 400 message, or null if the body is valid. */
function validateBody(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Request body must be a JSON object.';
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model === '') return "'model' is a required property and must be a string.";
  if (!Array.isArray(b.messages) || b.messages.length === 0) return "'messages' must be a non-empty array.";
  for (const [i, m] of b.messages.entries()) {
    const msg = m as Record<string, unknown> | null;
    if (typeof msg !== 'object' || msg === null) return `messages[${i}] must be an object.`;
    if (typeof msg.role !== 'string' || !ROLES.has(msg.role)) return `messages[${i}].role must be one of system, user, assistant.`;
    if (typeof msg.content !== 'string') return `messages[${i}].content must be a string.`;
  }
  if (b.temperature !== undefined && (typeof b.temperature !== 'number' || b.temperature < 0 || b.temperature > 2)) {
    return "'temperature' must be a number between 0 and 2.";
  }
  if (b.max_tokens !== undefined && (!Number.isInteger(b.max_tokens) || (b.max_tokens as number) < 1)) {
    return "'max_tokens' must be a positive integer.";
  }
  return validateResponseFormat(b.response_format, b.messages as { content: string }[]);
}

// As the real API: a known type; json_schema needs a name and a schema object; json_object
// needs the word "json" somewhere in the messages.
function validateResponseFormat(rf: unknown, messages: { content: string }[]): string | null {
  if (rf === undefined) return null;
  const f = rf as { type?: unknown; json_schema?: { name?: unknown; schema?: unknown } } | null;
  if (typeof f !== 'object' || f === null || !['text', 'json_object', 'json_schema'].includes(f.type as string)) {
    return "'response_format.type' must be one of text, json_object, json_schema.";
  }
  if (f.type === 'json_schema') {
    const js = f.json_schema;
    if (typeof js?.name !== 'string' || typeof js.schema !== 'object' || js.schema === null) return "'response_format.json_schema' needs a name and a schema object.";
  }
  if (f.type === 'json_object' && !messages.some((m) => /json/i.test(m.content))) {
    return "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.";
  }
  return null;
}

/** The text of a <<<NAME … NAME>>> data block of the user message, as the provider fenced it. */
export function dataBlock(body: ChatBody, name: string): string {
  const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
  const m = new RegExp(`<<<${name}\\n([\\s\\S]*?)\\n${name}>>>`).exec(user);
  return m?.[1] === '(empty)' ? '' : (m?.[1] ?? '');
}

/** A schema-valid structured answer that claims nothing, plus `overrides`. */
export function emptyAnswer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { wants: [], identifiers: [], amounts: [], dates: [], tried: [], escalation: [], asks: [], details: [], context: [], ...overrides };
}

// By default a well-behaved model: the caller's reason as what they want, nothing else claimed.
const DEFAULT_REPLY = (body: ChatBody) => JSON.stringify(emptyAnswer({ wants: [dataBlock(body, 'REASON')].filter((w) => w !== '') }));

export async function startLlmStandin(opts: StandinOptions = {}): Promise<LlmStandin> {
  const apiKey = opts.apiKey ?? 'sk-standin-test-key-0123456789';
  let mode: StandinMode = opts.mode ?? 'ok';
  let delayMs = opts.delayMs ?? 10_000;
  let reply: string | ((body: ChatBody) => string) = opts.reply ?? DEFAULT_REPLY;
  const requests: RecordedRequest[] = [];
  let seq = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody === '' ? undefined : JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const rec: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody,
        body,
        clientAborted: false,
      };
      requests.push(rec);
      res.on('close', () => {
        if (!res.writableFinished) rec.clientAborted = true;
      });

      if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/chat/completions') {
        return apiError(res, 404, `Unknown request URL: ${req.method} ${req.url}.`, 'invalid_request_error', 'unknown_url');
      }
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return apiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
      }
      if (body === undefined) {
        return apiError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
      }
      const problem = validateBody(body);
      if (problem) return apiError(res, 400, problem, 'invalid_request_error', null);
      const chat = body as ChatBody;

      const respond = () => {
        if (mode === 'no-json-schema' && chat.response_format?.type === 'json_schema') {
          return apiError(res, 400, `This model does not support response format \`json_schema\`.`, 'invalid_request_error', null, 'response_format');
        }
        if (mode === 'fail500') {
          return apiError(res, 500, 'The server had an error while processing your request.', 'server_error', 'internal_error');
        }
        if (mode === 'garbage') {
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<html><body>502 upstream glitch {"choices": [');
        }
        if (mode === 'badshape') return sendJson(res, 200, { id: 'x', object: 'chat.completion', choices: [] });
        const content = mode === 'empty' ? '' : typeof reply === 'function' ? reply(chat) : reply;
        const promptChars = chat.messages.reduce((n, m) => n + m.content.length, 0);
        const completionTokens = Math.ceil(content.length / 4);
        sendJson(res, 200, {
          id: `chatcmpl-standin-${++seq}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: chat.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, logprobs: null, finish_reason: 'stop' }],
          usage: {
            prompt_tokens: Math.ceil(promptChars / 4),
            completion_tokens: completionTokens,
            total_tokens: Math.ceil(promptChars / 4) + completionTokens,
          },
        });
      };
      if (mode !== 'slow') return respond();
      const timer = setTimeout(respond, delayMs);
      res.on('close', () => clearTimeout(timer)); // client gave up: do not answer into the void
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    setMode(m, o) {
      mode = m;
      if (o?.delayMs !== undefined) delayMs = o.delayMs;
    },
    setReply(r) {
      reply = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // fetch keeps connections alive; do not wait for them
        server.close(() => resolve());
      }),
  };
}
