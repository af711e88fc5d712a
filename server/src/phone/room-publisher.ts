// Phone → room: the phone leg's microphone track, whose publish state the bridge owns.
//
// rtc-node 1.1 raises no permission event, keeps its local publication when the server revokes
// canPublish, and does not republish when the permission returns (notes §5). So this class decides
// itself: told to publish, it publishes a fresh source and track, retrying with backoff until it
// succeeds or is told to stop; told to stop, it unpublishes and closes them.
//
// Measured with livekit-server 1.13.5: publishTrack without canPublish hangs 10 s and then fails
// ("track publication timed out"), even when the grant arrives meanwhile, and while it hangs it holds
// the Room's event mutex, so no room event (subscriptions, disconnect) is delivered for those 10 s.
// So it does not publish blindly: the server refreshes the participant's token on every permission
// change, and the token's video grant says whether canPublish is on. Publishing waits for a token
// that allows it (with a rare blind attempt, in case a refresh was missed), and a refreshed token
// that revokes it drops the local publication so that the next grant publishes afresh.
import type { Logger } from 'pino';
import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  TrackPublishOptions,
  TrackSource,
  type Room,
} from '@livekit/rtc-node';
import { performance } from 'node:perf_hooks';
import { SAMPLE_RATE } from './audio.js';
import { phonePublishFailures } from '../metrics/registry.js';

// The native source (webrtc-sys AudioTrackSource) takes 10 ms from its buffer every 10 ms and completes
// a capture once the buffer is back down to queue size; it starts with 2 × queue of zeros in it. Fed
// at exactly real time, as a phone is, a buffer never drains below the level it reached: latency that
// a burst (or the initial zeros) put there stays for the call. So: one frame of queue, the initial
// zeros cleared at publish, and a backlog (here or native) dropped when captures stay behind.
const SOURCE_QUEUE_MS = 20;
/** A capture that takes longer than this had to wait for room in the native buffer. */
const WAITED_MS = 5;
/** Behind for this many captures in a row (0.5 s): latency has built up; drop it. */
const BACKLOG_CAPTURES = 25;
/** Frames waiting for captureFrame at most; beyond it the oldest is dropped (latency stays bounded). */
const MAX_PENDING = 3;
const BACKOFF_MS = [100, 200, 400, 800, 1600];
const PUBLISH_TIMEOUT_MS = 12_000;
/** Without a token that allows publishing, try anyway this often (a missed refresh must not mute a leg). */
const BLIND_RETRY_MS = 10_000;
const UNPUBLISH_TIMEOUT_MS = 3000;

interface Published {
  source: AudioSource;
  track: LocalAudioTrack;
  sid: string;
}

export interface PublisherStats {
  published: boolean;
  publishAttempts: number;
  publishFailures: number;
  framesCaptured: number;
  /** Dropped because captures backed up (oldest first). */
  framesDropped: number;
  /** Arrived while not published (not live, or publishing still in progress). */
  framesUnpublished: number;
  captureErrors: number;
  /** Refreshed tokens that revoked canPublish while published. */
  revokedSeen: number;
  /** Times a backlog (frames waiting here and in the native buffer) was dropped. */
  backlogsCleared: number;
}

export const emptyPublisherStats = (): PublisherStats => ({
  published: false,
  publishAttempts: 0,
  publishFailures: 0,
  framesCaptured: 0,
  framesDropped: 0,
  framesUnpublished: 0,
  captureErrors: 0,
  revokedSeen: 0,
  backlogsCleared: 0,
});

export class RoomPublisher {
  private want = false;
  private current: Published | null = null;
  private working = false;
  private wake: (() => void) | null = null;
  private closed = false;
  private pending: Int16Array[] = [];
  /** The source a drain loop is feeding; a new source gets its own loop (an old one may hang on a closed source). */
  private draining: AudioSource | null = null;
  private behindRun = 0;
  private readonly s: PublisherStats = emptyPublisherStats();

  constructor(
    private readonly room: Room,
    private readonly trackName: string,
    private readonly log: Logger,
  ) {}

  get published(): boolean {
    return this.current !== null;
  }

  /** Publish (true) or not (false); converges in the background, retrying publish failures. */
  setWanted(want: boolean): void {
    if (this.closed || this.want === want) return;
    this.want = want;
    this.pending = [];
    this.kick();
  }

  /** The room's token was refreshed: the server changed this participant's permissions (or renewed it). */
  onTokenRefreshed(): void {
    if (this.current && !this.permitted()) {
      // Revoked server-side: the server has unpublished the track, rtc-node still lists it.
      this.s.revokedSeen++;
      void this.unpublish();
    }
    this.kick();
  }

  /** One 160-sample frame from the phone. Published → queued for capture; otherwise dropped. */
  capture(frame: Int16Array): void {
    if (!this.current || !this.want) {
      this.s.framesUnpublished++;
      return;
    }
    this.pending.push(frame);
    if (this.pending.length > MAX_PENDING) {
      this.pending.shift();
      this.s.framesDropped++;
    }
    if (this.draining !== this.current.source) void this.drain(this.current.source);
  }

  stats(): PublisherStats {
    return { ...this.s, published: this.current !== null };
  }

  /** Unpublishes and closes; further calls do nothing. The room disconnect follows in the caller. */
  async close(): Promise<void> {
    this.closed = true;
    this.want = false;
    this.pending = [];
    this.wake?.();
    await this.unpublish();
  }

  // captureFrame must be awaited one at a time: a second pending capture fails with
  // "InvalidState - failed to capture frame" (notes §5).
  private async drain(source: AudioSource) {
    this.draining = source;
    try {
      while (this.pending.length && this.current?.source === source) {
        const frame = this.pending.shift()!;
        try {
          const t0 = performance.now();
          await source.captureFrame(new AudioFrame(owned(frame), SAMPLE_RATE, 1, frame.length));
          this.s.framesCaptured++;
          // Behind: frames still waiting here, or this one waited for room in the native buffer.
          const behind = this.pending.length > 0 || performance.now() - t0 > WAITED_MS;
          this.behindRun = behind ? this.behindRun + 1 : 0;
          if (this.behindRun >= BACKLOG_CAPTURES) {
            this.s.framesDropped += this.pending.length;
            this.pending = [];
            source.clearQueue();
            this.behindRun = 0;
            this.s.backlogsCleared++;
          }
        } catch {
          this.s.captureErrors++; // source closed by an unpublish meanwhile
        }
      }
    } finally {
      if (this.draining === source) this.draining = null;
    }
  }

  /** Re-evaluate now: cut a wait short, or start the loop. */
  private kick() {
    this.wake?.();
    if (!this.working) void this.converge();
  }

  private permitted(): boolean {
    return tokenAllowsPublish(this.room.token);
  }

  private async converge() {
    this.working = true;
    try {
      let attempt = 0;
      let refusedSince: number | null = null;
      while (!this.closed) {
        if (this.want && !this.current) {
          const now = performance.now();
          if (!this.permitted()) {
            refusedSince ??= now;
            const left = BLIND_RETRY_MS - (now - refusedSince);
            if (left > 0) {
              await this.sleep(left); // a token refresh or a mode change wakes it
              continue;
            }
          }
          refusedSince = null;
          if (await this.publish()) attempt = 0;
          else await this.sleep(BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)]!);
        } else if (!this.want && this.current) {
          await this.unpublish();
        } else {
          return;
        }
      }
    } catch (err) {
      this.log.error({ err }, 'phone leg: publish state loop failed');
    } finally {
      this.working = false;
    }
  }

  private async publish(): Promise<boolean> {
    const lp = this.room.localParticipant;
    if (!lp) return false;
    this.s.publishAttempts++;
    // A fresh source each time: nothing queued before the phone went off the air can leak out.
    const source = new AudioSource(SAMPLE_RATE, 1, SOURCE_QUEUE_MS);
    const track = LocalAudioTrack.createAudioTrack(this.trackName, source);
    const options = new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE, dtx: false, red: false });
    const publishing = lp.publishTrack(track, options);
    try {
      const pub = await withTimeout(publishing, PUBLISH_TIMEOUT_MS, 'publish');
      if (!pub.sid) throw new Error('publication has no sid');
      source.clearQueue(); // the zeros a new source starts with would be 40 ms of latency for good
      this.current = { source, track, sid: pub.sid };
      this.log.debug({ attempt: this.s.publishAttempts }, 'phone leg: published');
      if (this.closed) await this.unpublish(); // closed while the publish was in flight
      return true;
    } catch (err) {
      this.s.publishFailures++;
      phonePublishFailures.inc();
      this.log.warn({ err: String(err) }, 'phone leg: publish failed; retrying');
      // A publication that completes after we gave up must not stay on the air.
      publishing.then((pub) => (pub.sid ? lp.unpublishTrack(pub.sid, true) : undefined)).catch(() => {});
      await track.close(true).catch(() => {});
      return false;
    }
  }

  private async unpublish() {
    const cur = this.current;
    if (!cur) return;
    this.current = null;
    this.pending = [];
    // The server may have unpublished it already (permission revoked): the local side still has it.
    await withTimeout(this.room.localParticipant!.unpublishTrack(cur.sid, true), UNPUBLISH_TIMEOUT_MS, 'unpublish').catch(
      (err: unknown) => this.log.debug({ err: String(err) }, 'phone leg: unpublish (already gone?)'),
    );
    await cur.track.close(false).catch(() => {});
    await cur.source.close().catch(() => {});
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}

// rtc-node's AudioFrame hands the FFI `new Uint8Array(data.buffer)`: the whole buffer from offset 0,
// ignoring a view's offset and length. A frame must own its buffer exactly.
function owned(frame: Int16Array): Int16Array {
  if (frame.byteOffset === 0 && frame.buffer.byteLength === frame.byteLength) return frame;
  return frame.slice();
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}


/** The video grant of a LiveKit JWT: canPublish is on unless it says false (LiveKit's default). */
export function tokenAllowsPublish(token: string | undefined): boolean {
  if (!token) return true;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      video?: { canPublish?: boolean };
    };
    return payload.video?.canPublish !== false;
  } catch {
    return true;
  }
}
