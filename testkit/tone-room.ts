// What the API tests ask of a call room with tone participants (testkit/tone-participant.ts):
// join speaking a tone, wait until one is heard, take a settled window to count frames in, and
// read what LiveKit itself says a participant may do.
import type { RoomServiceClient } from 'livekit-server-sdk';
import { expect } from 'vitest';
import { ToneParticipant } from './tone-participant.js';

/** The tone participants of one test file: each joins listening for `targets`; closeAll() after each test. */
export class ToneBand {
  private readonly open: ToneParticipant[] = [];
  constructor(private readonly targets: readonly number[]) {}

  /** Joins as `label`, publishing `freq` (null: silent). */
  async join(label: string, url: string, token: string, freq: number | null): Promise<ToneParticipant> {
    const p = await ToneParticipant.join({ url, token, label, freq, targets: this.targets });
    this.open.push(p);
    return p;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((p) => p.close().catch(() => undefined)));
  }
}

/** `p` hears `freq` from now on within the bound (the claim is "heard", not "fast"). */
export async function expectHears(p: ToneParticipant, freq: number, what: string, timeoutMs = 10_000): Promise<void> {
  expect(await p.waitFor(freq, performance.now(), timeoutMs), what).not.toBeNull();
}

/** A settled one-second window: media has followed the record; frames still in flight have drained. */
export async function settledWindow(): Promise<{ from: number; to: number }> {
  await new Promise((r) => setTimeout(r, 300));
  const from = performance.now();
  await new Promise((r) => setTimeout(r, 1_000));
  return { from, to: performance.now() };
}

/** What LiveKit says `identity` may do in `room`, and how many tracks it publishes (null: not in the room). */
export async function permissionOf(rooms: RoomServiceClient, room: string, identity: string) {
  const p = (await rooms.listParticipants(room).catch(() => [])).find((x) => x.identity === identity);
  return p ? { canPublish: p.permission?.canPublish ?? false, canSubscribe: p.permission?.canSubscribe ?? false, tracks: p.tracks.length } : null;
}
