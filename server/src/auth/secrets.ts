// Opaque random secrets (session tokens, caller keys) are stored only as an HMAC
// keyed by SESSION_SECRET: a database dump alone cannot be replayed.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const newSecret = () => randomBytes(32).toString('base64url');

export function secretHasher(key: string) {
  const hash = (secret: string) => createHmac('sha256', key).update(secret).digest('base64url');
  return {
    hash,
    matches(secret: string, storedHash: string) {
      const a = Buffer.from(hash(secret));
      const b = Buffer.from(storedHash);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}
export type SecretHasher = ReturnType<typeof secretHasher>;
