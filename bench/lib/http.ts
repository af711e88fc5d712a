// A small JSON client over node:http with a keep-alive connection pool, so the
// benchmark measures the API and not connection set-up. Every request has a timeout.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface HttpResult<T = any> {
  status: number; // 0 = network error / timeout
  body: T;
  /** Send → last byte of the response, ms. */
  ms: number;
  error?: string;
}

export interface JsonClient {
  request<T = any>(method: string, path: string, opts?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<HttpResult<T>>;
  close(): void;
}

export function jsonClient(baseUrl: string, opts: { maxSockets?: number; timeoutMs?: number } = {}): JsonClient {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 64, keepAliveMsecs: 10_000 });
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    request(method, path, o = {}) {
      const payload = o.body !== undefined ? Buffer.from(JSON.stringify(o.body)) : undefined;
      const headers: Record<string, string | number> = { accept: 'application/json', ...o.headers };
      if (payload) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = payload.length;
      }
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      const started = performance.now();
      return new Promise((resolve) => {
        let done = false;
        const finish = (r: Omit<HttpResult, 'ms'>) => {
          if (done) return;
          done = true;
          resolve({ ...r, ms: performance.now() - started });
        };
        const req = http.request(
          { host: url.hostname, port: url.port, method, path, headers, agent, timeout: timeoutMs },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let body: unknown = text;
              try {
                body = text ? JSON.parse(text) : null;
              } catch {
                /* not JSON */
              }
              finish({ status: res.statusCode ?? 0, body });
            });
            res.on('error', (err) => finish({ status: 0, body: null, error: err.message }));
          },
        );
        req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
        req.on('error', (err) => finish({ status: 0, body: null, error: err.message }));
        req.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** Throws unless the status is the expected one (setup steps, not measurements). */
export function expectStatus<T>(r: HttpResult<T>, status: number, what: string): T {
  if (r.status !== status) throw new Error(`${what}: HTTP ${r.status} ${r.error ?? JSON.stringify(r.body)}`);
  return r.body;
}
