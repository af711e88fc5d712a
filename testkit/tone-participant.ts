// An @livekit/rtc-node participant that stands in for a person with a microphone and
// ears: it publishes a pure sine tone (48 kHz mono, 10 ms frames pushed on a real-time
// schedule) and runs a Goertzel detector over every remote audio track it is
// subscribed to, recording when each target tone is heard.
//
// All timestamps are performance.now() of this process (ms), the same clock the
// benchmarks use around their HTTP requests.
import { performance } from 'node:perf_hooks';
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  type LocalTrackPublication,
  type RemoteParticipant,
  type RemoteTrack,
} from '@livekit/rtc-node';
import { sineFrame, toneDetector } from './goertzel.js';
import { decodeJwt } from './participants.js';

export const SAMPLE_RATE = 48_000;
export const FRAME_MS = 10;
const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000;
/** Frames kept queued ahead of real time in the source (absorbs timer jitter). */
export const SOURCE_LEAD_FRAMES = 2;
/** The native source's queue: small, so a stalled track never builds up stale audio. */
const SOURCE_QUEUE_MS = Number(process.env.BENCH_SOURCE_QUEUE_MS ?? 20);

export interface Heard {
  t: number;
  freq: number;
  from: string;
}

export interface ToneParticipantOptions {
  url: string;
  token: string;
  label: string;
  /** The tone this participant "speaks"; null = listen only. */
  freq: number | null;
  /** Frequencies to look for in what it receives. */
  targets: readonly number[];
  /** Publish the tone as soon as connected. Default true. */
  publish?: boolean;
  /**
   * Re-publish automatically when the server grants canPublish again after taking it
   * away (what a browser caller page does). Default true.
   */
  republishOnGrant?: boolean;
}

type Waiter = { freq: number; since: number; resolve: (t: number | null) => void; timer: ReturnType<typeof setTimeout> };

export class ToneParticipant {
  readonly room = new Room();
  readonly label: string;
  /** The tone currently sent (setTone changes it, e.g. to tell speech before/after a moment apart). */
  freq: number | null;
  readonly targets: readonly number[];
  /** Every frame in which a target tone was present. */
  readonly heard: Heard[] = [];
  /** Track subscription / unsubscription events seen by this participant. */
  readonly trackEvents: { t: number; kind: 'subscribed' | 'unsubscribed'; from: string }[] = [];
  /** Local publication events (published, unpublished by the server, permission changes). */
  readonly localEvents: { t: number; kind: string; detail?: unknown }[] = [];
  framesReceived = 0;
  framesSent = 0;
  framesDropped = 0;
  connectedAt = 0;
  publishedAt = 0;

  private source: AudioSource | null = null;
  private track: LocalAudioTrack | null = null;
  private publication: LocalTrackPublication | null = null;
  private publishing: Promise<void> | null = null;
  private toneStart = 0;
  private pumping = false;
  private closed = false;
  private waiters: Waiter[] = [];
  private streams = new Set<AudioStream>();
  private detect: ReturnType<typeof toneDetector>;
  private ffiListener: ((ev: any) => void) | null = null;
  private republishOnGrant: boolean;
  private publishRevoked = false;
  private dropping: Promise<void> | null = null;

  private constructor(opts: ToneParticipantOptions) {
    this.label = opts.label;
    this.freq = opts.freq;
    this.targets = opts.targets;
    this.republishOnGrant = opts.republishOnGrant ?? true;
    this.detect = toneDetector({ sampleRate: SAMPLE_RATE, targets: opts.targets });
  }

  static async join(opts: ToneParticipantOptions): Promise<ToneParticipant> {
    const p = new ToneParticipant(opts);
    p.room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, participant: RemoteParticipant) => {
      p.trackEvents.push({ t: performance.now(), kind: 'subscribed', from: participant.identity });
      if (track.kind === TrackKind.KIND_AUDIO) void p.analyse(track, participant.identity);
    });
    p.room.on(RoomEvent.TrackUnsubscribed, (_track, _pub, participant: RemoteParticipant) => {
      p.trackEvents.push({ t: performance.now(), kind: 'unsubscribed', from: participant.identity });
    });
    p.room.on(RoomEvent.LocalTrackUnpublished, (pub) => {
      p.localEvents.push({ t: performance.now(), kind: 'unpublished' });
      if (!p.publication || pub?.sid === p.publication.sid) {
        p.publication = null;
        p.track = null;
      }
    });
    // Listen before connecting: a grant that arrives while connect() runs must not be missed.
    p.watchPermissions();
    await p.room.connect(opts.url, opts.token, { autoSubscribe: true, dynacast: false });
    p.connectedAt = performance.now();
    if (!p.ffiListener) p.watchPermissions(); // the FFI client exists only once the first room connected
    if (opts.freq !== null) {
      p.source = new AudioSource(SAMPLE_RATE, 1, SOURCE_QUEUE_MS);
      p.startTone();
      // A token minted for a held or waiting caller grants no publish: wait for the server's grant
      // (the caller page does the same).
      const grantsPublish = tokenGrantsPublish(opts.token);
      if ((opts.publish ?? true) && grantsPublish) await p.publish();
      else if ((opts.publish ?? true) && !grantsPublish) p.publishRevoked = true;
    }
    p.replayEarlyEvents(); // grants that came during connect(), now that we know what we wait for
    return p;
  }

  get identity(): string {
    return this.room.localParticipant?.identity ?? '';
  }

  get isPublished(): boolean {
    return this.publication !== null;
  }

  /** Publishes the tone as a microphone track (idempotent). Resolves when published. */
  publish(): Promise<void> {
    if (!this.source) return Promise.resolve();
    if (this.publication) return Promise.resolve();
    this.publishing ??= (async () => {
      try {
        const track = LocalAudioTrack.createAudioTrack(`${this.label}-tone`, this.source!);
        const options = new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE, dtx: false, red: false });
        const pub = await this.room.localParticipant!.publishTrack(track, options);
        this.track = track;
        this.publication = pub;
        this.publishedAt = performance.now();
        this.localEvents.push({ t: this.publishedAt, kind: 'published' });
      } finally {
        this.publishing = null;
      }
    })();
    return this.publishing;
  }

  /** Switches the tone from the next frame captured on (frames already queued keep the old one). */
  setTone(freq: number): void {
    this.freq = freq;
    this.localEvents.push({ t: performance.now(), kind: 'tone', detail: freq });
  }

  /** First frame with `freq` heard at or after `since`, or null after `timeoutMs`. */
  waitFor(freq: number, since: number, timeoutMs: number): Promise<number | null> {
    const hit = this.heard.find((h) => h.freq === freq && h.t >= since);
    if (hit) return Promise.resolve(hit.t);
    return new Promise((resolve) => {
      const w: Waiter = {
        freq,
        since,
        resolve: (t) => {
          clearTimeout(w.timer);
          this.waiters = this.waiters.filter((x) => x !== w);
          resolve(t);
        },
        timer: setTimeout(() => w.resolve(null), timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /** Frames with one of `freqs` heard in [from, to). */
  count(freqs: number[], from: number, to: number): number {
    return this.heard.filter((h) => freqs.includes(h.freq) && h.t >= from && h.t < to).length;
  }

  firstSubscribedFrom(identity: string, since: number): number | null {
    return this.trackEvents.find((e) => e.kind === 'subscribed' && e.from === identity && e.t >= since)?.t ?? null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    stopTicker(this);
    if (this.ffiListener) ffiClient()?.off('ffi_event', this.ffiListener);
    for (const w of [...this.waiters]) w.resolve(null);
    for (const s of this.streams) await s.cancel().catch(() => {});
    await this.room.disconnect().catch(() => {});
    await this.source?.close().catch(() => {});
  }

  private dropLocalPublication(): Promise<void> {
    const pub = this.publication;
    const track = this.track;
    this.publication = null;
    this.track = null;
    if (!pub?.sid) return Promise.resolve();
    this.dropping = (async () => {
      try {
        await this.room.localParticipant!.unpublishTrack(pub.sid!, false);
      } catch {
        /* already gone on the server */
      }
      await track?.close(false).catch(() => {});
      this.localEvents.push({ t: performance.now(), kind: 'dropped-local-publication' });
    })();
    return this.dropping;
  }

  // --- sending -------------------------------------------------------------------

  private startTone() {
    this.toneStart = performance.now();
    startTicker(this);
  }

  /** Called by the shared ticker: push every frame that is due by now (plus the lead). */
  tick(now: number) {
    if (this.closed || !this.source || this.pumping) return;
    const due = Math.floor((now - this.toneStart) / FRAME_MS) + SOURCE_LEAD_FRAMES - this.framesSent;
    if (due <= 0) return;
    if (due > 10) {
      // More than 100 ms behind (event loop stalled): skip ahead, stay real-time.
      this.framesDropped += due - SOURCE_LEAD_FRAMES;
      this.framesSent += due - SOURCE_LEAD_FRAMES;
    }
    this.pumping = true;
    void (async () => {
      try {
        let n = Math.min(due, SOURCE_LEAD_FRAMES + 1);
        while (n-- > 0 && !this.closed) {
          const data = sineFrame(this.freq!, SAMPLE_RATE, FRAME_SAMPLES, this.framesSent * FRAME_SAMPLES);
          this.framesSent++;
          await this.source!.captureFrame(new AudioFrame(data, SAMPLE_RATE, 1, FRAME_SAMPLES));
        }
      } catch {
        /* source closed */
      } finally {
        this.pumping = false;
      }
    })();
  }

  // --- receiving -----------------------------------------------------------------

  private async analyse(track: RemoteTrack, from: string) {
    let stream: AudioStream;
    try {
      stream = new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1, frameSizeMs: FRAME_MS });
    } catch {
      return; // unsubscribed before the stream could open: nothing to hear
    }
    this.streams.add(stream);
    try {
      // Ends when the track is unsubscribed or the room disconnects.
      for await (const frame of stream) {
        if (this.closed) break;
        const t = performance.now();
        this.framesReceived++;
        const a = this.detect(frame.data, frame.channels);
        if (a.tone === null) continue;
        this.heard.push({ t, freq: a.tone, from });
        if (this.waiters.length) {
          for (const w of this.waiters.filter((x) => x.freq === a.tone && t >= x.since)) w.resolve(t);
        }
      }
    } catch {
      /* stream closed */
    } finally {
      this.streams.delete(stream);
    }
  }

  // --- permissions ---------------------------------------------------------------

  /**
   * rtc-node 1.1 does not surface ParticipantPermissionChanged as a Room event, but the
   * FFI layer sends it; listen there. When the server grants canPublish again (hold or
   * transfer over), re-publish the tone like the caller's page does.
   */
  private earlyEvents: any[] | null = [];

  private watchPermissions() {
    const ffi = ffiClient();
    if (!ffi) return;
    const handleOf = () => (this.room as unknown as { ffiHandle?: { handle: bigint } }).ffiHandle?.handle;
    this.ffiListener = (ev: any) => {
      if (ev?.message?.case !== 'roomEvent') return;
      const re = ev.message.value;
      if (re.message?.case !== 'participantPermissionChanged') return;
      const handle = handleOf();
      if (handle === undefined) {
        this.earlyEvents?.push(ev); // the room handle is known only once connect() returns
        return;
      }
      if (re.roomHandle !== handle) return;
      this.onPermission(re.message.value);
    };
    ffi.on('ffi_event', this.ffiListener);
  }

  private replayEarlyEvents() {
    const handle = (this.room as unknown as { ffiHandle?: { handle: bigint } }).ffiHandle?.handle;
    const early = this.earlyEvents ?? [];
    this.earlyEvents = null;
    for (const ev of early) if (ev.message.value.roomHandle === handle) this.onPermission(ev.message.value.message.value);
  }

  private onPermission(change: any) {
    if (change.participantIdentity !== this.identity) return;
    const perm = change.permission ?? {};
    this.localEvents.push({ t: performance.now(), kind: 'permission', detail: { canPublish: perm.canPublish, canSubscribe: perm.canSubscribe } });
    if (perm.canPublish === false && this.publication) {
      // The server has already unpublished our track, but rtc-node keeps the local
      // publication: drop it, so that publishing again is possible.
      this.publishRevoked = true;
      void this.dropLocalPublication();
    } else if (perm.canPublish && this.publishRevoked && this.republishOnGrant && this.source) {
      this.publishRevoked = false;
      void (async () => {
        await this.dropping;
        await this.publish();
      })().catch((err) => this.localEvents.push({ t: performance.now(), kind: 'republish-failed', detail: String(err) }));
    }
  }
}

/** A token minted for a held caller or a not-yet-checked agent grants no publish. */
const tokenGrantsPublish = (token: string) => decodeJwt(token).video?.canPublish !== false;

function ffiClient(): { on(e: string, l: (ev: any) => void): void; off(e: string, l: (ev: any) => void): void } | undefined {
  return (globalThis as { _ffiClientInstance?: any })._ffiClientInstance;
}

// One 5 ms ticker drives every tone source in the process.
const active = new Set<ToneParticipant>();
let ticker: ReturnType<typeof setInterval> | null = null;
function startTicker(p: ToneParticipant) {
  active.add(p);
  ticker ??= setInterval(() => {
    const now = performance.now();
    for (const q of active) q.tick(now);
  }, 5);
}
function stopTicker(p: ToneParticipant) {
  active.delete(p);
  if (active.size === 0 && ticker) {
    clearInterval(ticker);
    ticker = null;
  }
}
