// Strings Postgres cannot store never reach a route. A `text` column (and jsonb) rejects U+0000
// with an error (a 500 before this guard), and a lone UTF-16 surrogate has no UTF-8 form (node-pg
// would quietly store U+FFFD instead). Either one, anywhere in a request string, is a 400
// `validation_failed` naming the field, before the handler runs, so the request changes nothing.
//
// Why one preValidation hook and not an ajv keyword: the hook sees the parsed body, the decoded
// path params and the querystring of every route in one place, including fields and routes that
// have no schema (free-form querystrings, loose objects), and needs no change to any schema. It
// runs after onRequest, so an agent-only route without a session still answers 401 first.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

// With the `u` flag a well-formed surrogate pair is one astral code point, so the class matches
// only U+0000 and surrogates that stand alone.
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/u;

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const child = (path: string, key: string) => (IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

/** The first string in `value` (any depth, keys included) that Postgres cannot store, or null. */
export function findUnstorable(value: unknown, root: string): { field: string; char: string; inKey: boolean } | null {
  // Iterative, so a deeply nested body cannot overflow the stack (that would be a 500 again).
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const bad = UNSTORABLE.exec(v);
      if (bad) return { field: path, char: bad[0], inKey: false };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, inner] = entries[i]!;
        const bad = UNSTORABLE.exec(key);
        if (bad) return { field: path, char: bad[0], inKey: true };
        stack.push([inner, child(path, key)]);
      }
    }
  }
  return null;
}

export function checkRequestStrings(req: Pick<FastifyRequest, 'params' | 'query' | 'body'>) {
  for (const [part, value] of [
    ['params', req.params],
    ['querystring', req.query],
    ['body', req.body],
  ] as const) {
    const found = findUnstorable(value, part);
    if (!found) continue;
    const message = found.inKey
      ? `${found.field} has a field name that contains a character that cannot be stored (${codePoint(found.char)}).`
      : `${found.field} contains a character that cannot be stored (${codePoint(found.char)}).`;
    throw new AppError('validation_failed', message);
  }
}

/** Installs the guard for every route registered on `app` (and its child plugins). */
export function registerInputGuard(app: FastifyInstance) {
  app.addHook('preValidation', async (req) => checkRequestStrings(req));
}
