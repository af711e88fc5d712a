// Server-side LiveKit participants (@livekit/rtc-node) that stand in for a browser
// where a test only needs presence, not a UI: join, leave, drop.
import { Room } from '@livekit/rtc-node';

export async function joinRoom(url: string, token: string): Promise<Room> {
  const room = new Room();
  await room.connect(url, token, { autoSubscribe: true, dynacast: false });
  return room;
}

export function decodeJwt(token: string): Record<string, any> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

/** Polls fn until it returns a truthy value (webhooks arrive asynchronously). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, label = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${label}${last ? `: ${String(last)}` : ''}`);
}
