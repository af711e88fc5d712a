// PhoneBridge against a real livekit-server, with the Twilio emulator's Media Streams client as the
// phone (tone 1000 Hz) and rtc-node tone participants in the room (660, 440 Hz). Everything is
// measured: Goertzel on the μ-law the phone plays and on the WebRTC audio the room receives, and
// every window that counts a tone also requires that the listener received audio in it.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { PhoneBridge, type EndReason } from '../../src/phone/bridge.js';
import type { StartMessage } from '../../src/phone/media-stream.js';
import { ToneParticipant } from '../../../testkit/tone-participant.js';
import { TONES, sleep, startHarness, until, type Harness, type PhoneLeg } from './harness.js';

let h: Harness;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
  await h?.stop();
});

async function participant(room: string, label: string, freq: number): Promise<ToneParticipant> {
  const p = await ToneParticipant.join({ url: h.livekit.url, token: await h.token(label, room), label, freq, targets: TONES });
  cleanup.push(() => p.close());
  return p;
}

async function phone(
  room: string,
  identity: string,
  opts: { mode?: 'live' | 'hold_music' | 'silent'; canPublish?: boolean; rejoin?: () => Promise<string | null> } = {},
): Promise<PhoneLeg> {
  const leg = await h.openPhone({ room, identity, mode: opts.mode ?? 'live', hz: 1000, canPublish: opts.canPublish, rejoin: opts.rejoin });
  cleanup.push(() => leg.bridge.close('shutdown'));
  return leg;
}

/** Room participant frames received (10 ms each) and frames with `freq`, over the next `ms`. */
async function roomWindow(p: ToneParticipant, freq: number, ms: number) {
  const from = performance.now();
  const before = p.framesReceived;
  await sleep(ms);
  return { received: p.framesReceived - before, withTone: p.count([freq], from, performance.now()) };
}

/** The phone's frames (20 ms each) over the next `ms`. */
async function phoneWindow(leg: PhoneLeg, ms: number) {
  const from = performance.now();
  await sleep(ms);
  const to = performance.now();
  return { played: leg.count(null, from, to), at: (hz: number, mixed = false) => leg.count(hz, from, to, mixed), loud: leg.frames.filter((f) => f.t >= from && f.t < to && f.rms >= 0.01).length };
}

/** Waits until the room participant hears `freq` again after `since`; the time it took, or null. */
const roomHears = (p: ToneParticipant, freq: number, since: number, ms: number) => p.waitFor(freq, since, ms);
const phoneHears = (leg: PhoneLeg, freq: number, since: number, ms: number) =>
  until(() => leg.frames.find((f) => f.t >= since && f.tone === freq), ms);

describe('PhoneBridge (Twilio Media Stream ⇄ LiveKit room)', () => {
  it('live: the room hears the phone and the phone hears the room; DTMF is passed on', async () => {
    const a = await participant('room-live', 'agent-a', 660);
    const leg = await phone('room-live', 'phone:live');
    const t0 = performance.now();
    expect(await roomHears(a, 1000, t0, 10_000)).not.toBeNull();
    expect(await phoneHears(leg, 660, t0, 10_000)).not.toBeNull();

    const [room, ph] = await Promise.all([roomWindow(a, 1000, 1500), phoneWindow(leg, 1500)]);
    // Counts are loose (a starved CI machine drops frames); the ratios say what was heard.
    expect(room.received).toBeGreaterThan(60); // ≥ 0.6 s of 10 ms frames actually received
    expect(room.withTone / room.received).toBeGreaterThan(0.8);
    expect(ph.played).toBeGreaterThan(30); // ≥ 0.6 s of 20 ms frames actually played
    expect(ph.at(660) / ph.played).toBeGreaterThan(0.8);
    expect(ph.at(1000)).toBe(0); // no echo of the phone's own voice

    leg.client.sendDtmf('7');
    expect(await until(() => leg.dtmf.includes('7'), 2000)).toBe(true);
    expect(leg.client.protocolErrors).toEqual([]);
  });

  it('hold music: the phone hears music and not the room, the room hears nothing; back to live, both return; a clear on each change', async () => {
    const a = await participant('room-hold', 'agent-a', 660);
    const leg = await phone('room-hold', 'phone:hold');
    const t0 = performance.now();
    expect(await roomHears(a, 1000, t0, 10_000)).not.toBeNull();
    expect(await phoneHears(leg, 660, t0, 10_000)).not.toBeNull();

    const clearsBefore = leg.client.clears;
    leg.bridge.setMode('hold_music');
    expect(await until(() => leg.client.clears > clearsBefore, 1000)).toBe(true);
    await sleep(500); // what was already in flight (jitter buffers, Opus) drains
    const [room, ph] = await Promise.all([roomWindow(a, 1000, 2000), phoneWindow(leg, 2000)]);
    expect(ph.played).toBeGreaterThan(40);
    expect(ph.loud / ph.played).toBeGreaterThan(0.9); // music, not silence
    expect(TONES.map((hz) => ph.at(hz))).toEqual([0, 0, 0, 0]);
    expect(room.withTone).toBe(0);
    expect(leg.bridge.stats().published).toBe(false);

    const clearsHold = leg.client.clears;
    const tLive = performance.now();
    leg.bridge.setMode('live');
    expect(await until(() => leg.client.clears > clearsHold, 1000)).toBe(true);
    const heardAgain = await roomHears(a, 1000, tLive, 5000); // republished: a fresh track
    const phoneAgain = await phoneHears(leg, 660, tLive, 5000);
    expect(heardAgain).not.toBeNull();
    expect(phoneAgain).not.toBeNull();
    await sleep(300);
    const [room2, ph2] = await Promise.all([roomWindow(a, 1000, 1000), phoneWindow(leg, 1000)]);
    expect(room2.withTone / room2.received).toBeGreaterThan(0.7); // the tone holds again, not a blip
    expect(ph2.at(660) / ph2.played).toBeGreaterThan(0.7);
    console.log(`[phone] back to live: room hears phone after ${Math.round(heardAgain! - tLive)} ms, phone hears room after ${Math.round(phoneAgain!.t - tLive)} ms`);

    const clearsLive = leg.client.clears;
    leg.bridge.setMode('silent');
    expect(await until(() => leg.client.clears > clearsLive, 1000)).toBe(true);
    await sleep(300);
    const ph3 = await phoneWindow(leg, 1000);
    expect(ph3.played).toBeGreaterThan(20); // frames keep coming…
    expect(ph3.loud).toBe(0); // …and they are silence
  });

  it('waits for a server-side grant before publishing, and follows a revoke and a restore', async () => {
    const a = await participant('room-grant', 'agent-a', 660);
    const leg = await phone('room-grant', 'phone:grant', { canPublish: false });
    await sleep(1000);
    expect(a.count([1000], 0, performance.now())).toBe(0);
    expect(leg.bridge.stats().publishAttempts).toBe(0); // no blind publish (it would hang 10 s)

    const perm = (canPublish: boolean) => h.rooms.updateParticipant('room-grant', 'phone:grant', { permission: { canPublish, canSubscribe: true, canPublishData: true } });
    const tGrant = performance.now();
    await perm(true);
    expect(await roomHears(a, 1000, tGrant, 5000)).not.toBeNull();

    await perm(false); // the lead's hold: the server unpublishes; the bridge must drop its publication
    expect(await until(() => !leg.bridge.stats().published, 3000)).toBe(true);
    await sleep(500);
    const tRestore = performance.now();
    await perm(true);
    expect(await roomHears(a, 1000, tRestore, 5000)).not.toBeNull();
    expect(leg.bridge.stats().revokedSeen).toBe(1);
  });

  it('mixes: the phone hears two room participants at once', async () => {
    await participant('room-mix', 'agent-a', 440);
    await participant('room-mix', 'agent-b', 660);
    const leg = await phone('room-mix', 'phone:mix');
    const t0 = performance.now();
    expect(await until(() => leg.frames.some((f) => f.t >= t0 && f.present.includes(440) && f.present.includes(660)), 10_000)).not.toBeNull();
    await sleep(500);
    const ph = await phoneWindow(leg, 1500);
    expect(ph.played).toBeGreaterThan(30);
    expect(ph.at(440, true) / ph.played).toBeGreaterThan(0.8);
    expect(ph.at(660, true) / ph.played).toBeGreaterThan(0.8);
  });

  it('a dropped room connection is not an end: the bridge rejoins with a fresh token and both directions return', async () => {
    const a = await participant('room-rejoin', 'agent-a', 660);
    let tokens = 0;
    const leg = await phone('room-rejoin', 'phone:rejoin', {
      rejoin: async () => {
        tokens++;
        if (tokens === 1) throw new Error('record unreachable'); // a failed attempt is retried
        return h.token('phone:rejoin', 'room-rejoin');
      },
    });
    expect(await roomHears(a, 1000, performance.now(), 10_000)).not.toBeNull();
    // The server drops the bridge's connection (as a removal, a lost signal connection or a stall would).
    await h.rooms.removeParticipant('room-rejoin', 'phone:rejoin');
    expect(await until(() => leg.bridge.stats().rejoins === 1, 10_000), 'rejoined').toBe(true);
    const t0 = performance.now();
    expect(await roomHears(a, 1000, t0, 10_000), 'the room hears the phone again').not.toBeNull();
    expect(await phoneHears(leg, 660, t0, 10_000), 'the phone hears the room again').not.toBeNull();
    expect(leg.ends, 'the leg did not end').toEqual([]);
    expect(tokens).toBe(2);
    expect(leg.bridge.stats().rejoinFailures).toBe(1);
    expect((await h.rooms.listParticipants('room-rejoin')).map((p) => p.identity).sort()).toEqual(['agent-a', 'phone:rejoin']);
  });

  it('a dropped room connection ends the leg (room_disconnected) when the record no longer wants it', async () => {
    const a = await participant('room-unwanted', 'agent-a', 660);
    const leg = await phone('room-unwanted', 'phone:unwanted', { rejoin: async () => null });
    // Published first: a publish still in flight holds rtc-node's event lock, delaying the disconnect.
    expect(await roomHears(a, 1000, performance.now(), 10_000)).not.toBeNull();
    await h.rooms.removeParticipant('room-unwanted', 'phone:unwanted');
    expect(await until(() => leg.ends.length > 0, 15_000)).toBe(true);
    expect(leg.ends).toEqual(['room_disconnected']);
    expect((await leg.client.closed).code, 'the socket is closed').toBe(1000);
  });

  it("the phone hanging up ends the bridge once and the participant leaves the room", async () => {
    await participant('room-stop', 'agent-a', 660);
    const leg = await phone('room-stop', 'phone:stop');
    const inRoom = async () => (await h.rooms.listParticipants('room-stop')).some((p) => p.identity === 'phone:stop');
    expect(await inRoom()).toBe(true);
    await leg.client.hangUp();
    expect(await until(() => leg.ends.length > 0, 5000)).toBe(true);
    await sleep(300);
    expect(leg.ends).toEqual(['stop']);
    expect(await until(async () => !(await inRoom()), 5000)).toBe(true);
    await leg.bridge.close('shutdown'); // after the end: changes nothing
    expect(leg.ends).toEqual(['stop']);
  });

  it('close(shutdown) closes the socket with 1000 and ends once', async () => {
    const leg = await phone('room-shutdown', 'phone:shutdown', { mode: 'hold_music' });
    await leg.bridge.close('shutdown');
    expect((await leg.client.closed).code).toBe(1000);
    await leg.bridge.close('shutdown');
    expect(leg.ends).toEqual(['shutdown']);
    expect(leg.client.closedByPhone).toBe(false);
  });

  it('a leg LiveKit refuses: start() rejects, onEnd(error) once, and the socket is closed', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const [socket] = await accepted;
    await once(client, 'open');
    const closed = once(client, 'close') as Promise<[number]>;
    const start: StartMessage = {
      event: 'start',
      sequenceNumber: '1',
      streamSid: 'MZ1',
      start: { accountSid: 'AC1', streamSid: 'MZ1', callSid: 'CA1', tracks: ['inbound'], mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 }, customParameters: {} },
    };
    const ends: EndReason[] = [];
    const started = PhoneBridge.start({ socket, start, livekitUrl: h.livekit.url, token: 'not-a-join-token', mode: 'live', log: pino({ level: 'silent' }), onEnd: (r) => ends.push(r) });
    await expect(started).rejects.toThrow(/ended before it started: error/);
    expect(ends).toEqual(['error']);
    expect((await closed)[0]).toBe(1000);
    await new Promise<void>((r) => wss.close(() => r()));
  });
});
