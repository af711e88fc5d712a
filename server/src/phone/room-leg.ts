// The LiveKit side of one phone leg: an @livekit/rtc-node participant that publishes the phone's
// audio (room-publisher.ts) and hears every remote audio track it is subscribed to, as 8 kHz frames
// of 20 ms (rtc-node resamples itself: AudioStream {sampleRate: 8000, frameSizeMs: 20}, notes §5).
//
// Each track has a small queue that the bridge's paced loop takes one frame from every 20 ms. The
// queue is bounded (3 frames, oldest dropped) and trimmed when it stays above one frame, so jitter
// is absorbed without latency building up behind a clock that runs a little fast.
import type { Logger } from 'pino';
import {
  AudioStream,
  type DisconnectReason,
  Room,
  RoomEvent,
  TrackKind,
  type AudioFrame,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
} from '@livekit/rtc-node';
import { FRAME_MS, Framer, SAMPLE_RATE, mixFrames } from './audio.js';
import { RoomPublisher, emptyPublisherStats, withTimeout, type PublisherStats } from './room-publisher.js';

const MAX_QUEUE = 3;
/** Ticks a track's queue may stay above one frame before its oldest frame is dropped (0.5 s). */
const TRIM_AFTER_TICKS = 25;

interface Input {
  identity: string;
  reader: ReadableStreamDefaultReader<AudioFrame>;
  framer: Framer;
  queue: Int16Array[];
  started: boolean;
  highTicks: number;
}

export interface RoomLegOptions {
  livekitUrl: string;
  token: string;
  log: Logger;
  /**
   * rtc-node gave the connection up (its own resume and reconnect failed, the server removed the
   * participant or deleted the room); `reason` is LiveKit's DisconnectReason. Not called after close().
   */
  onDisconnected: (reason: DisconnectReason | undefined) => void;
  /** A remote audio track was added or removed: the phone's audio source changed. */
  onTracksChanged: () => void;
  connectTimeoutMs?: number;
}

export interface RoomLegStats extends PublisherStats {
  tracks: number;
  trackFrames: number;
  /** Frames dropped from full or long-high track queues. */
  trackFramesDropped: number;
  /** Ticks on which a track that had started sending had no frame ready. */
  trackUnderruns: number;
}

export const emptyLegStats = (): RoomLegStats => ({ ...emptyPublisherStats(), tracks: 0, trackFrames: 0, trackFramesDropped: 0, trackUnderruns: 0 });

export class RoomLeg {
  readonly room = new Room();
  readonly publisher: RoomPublisher;
  private readonly inputs = new Map<string, Input>(); // by track sid
  private listening = false;
  private closed = false;
  private readonly t = { trackFrames: 0, trackFramesDropped: 0, trackUnderruns: 0 };

  private constructor(private readonly o: RoomLegOptions) {
    this.publisher = new RoomPublisher(this.room, 'phone', o.log);
  }

  /** Connects; rejects (after disconnecting) when LiveKit does not let it in within the timeout. */
  static async connect(o: RoomLegOptions): Promise<RoomLeg> {
    const leg = new RoomLeg(o);
    leg.listen();
    try {
      await withTimeout(leg.room.connect(o.livekitUrl, o.token, { autoSubscribe: true, dynacast: false }), o.connectTimeoutMs ?? 10_000, 'room connect');
    } catch (err) {
      leg.closed = true;
      await leg.room.disconnect().catch(() => {});
      throw err;
    }
    return leg;
  }

  /** Keep room audio (live) or discard it as it arrives (hold music, silence). */
  setListening(on: boolean): void {
    this.listening = on;
    if (!on) for (const input of this.inputs.values()) input.queue = [];
  }

  get trackCount(): number {
    return this.inputs.size;
  }

  /** One frame from every track (those with nothing ready add nothing), mixed; null when none had one. */
  pullMix(): Int16Array | null {
    const frames: Int16Array[] = [];
    for (const input of this.inputs.values()) {
      const f = input.queue.shift();
      if (f) frames.push(f);
      else if (input.started) this.t.trackUnderruns++;
      input.highTicks = input.queue.length > 1 ? input.highTicks + 1 : 0;
      if (input.highTicks >= TRIM_AFTER_TICKS) {
        input.queue.shift();
        input.highTicks = 0;
        this.t.trackFramesDropped++;
      }
    }
    return frames.length ? mixFrames(frames) : null;
  }

  stats(): RoomLegStats {
    return { ...this.publisher.stats(), tracks: this.inputs.size, ...this.t };
  }

  /** Unpublishes, ends every stream, leaves the room. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.publisher.close().catch(() => {});
    for (const input of this.inputs.values()) await input.reader.cancel().catch(() => {});
    this.inputs.clear();
    await withTimeout(this.room.disconnect(), 5000, 'room disconnect').catch((err: unknown) =>
      this.o.log.warn({ err: String(err) }, 'phone leg: room disconnect failed'),
    );
  }

  // Every handler is wrapped: an exception thrown inside an rtc-node event callback would surface as
  // an unhandled error in the FFI event loop and take the process down.
  private on<E extends RoomEvent>(event: E, handler: (...args: any[]) => void) {
    this.room.on(event, (...args: unknown[]) => {
      try {
        handler(...args);
      } catch (err) {
        this.o.log.error({ err, event }, 'phone leg: room event handler failed');
      }
    });
  }

  private listen() {
    this.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, pub: RemoteTrackPublication, p: RemoteParticipant) => {
      if (track.kind === TrackKind.KIND_AUDIO && pub.sid) this.open(track, pub.sid, p.identity);
    });
    this.on(RoomEvent.TrackUnsubscribed, (_track: RemoteTrack, pub: RemoteTrackPublication) => {
      const input = pub.sid ? this.inputs.get(pub.sid) : undefined;
      if (input) void input.reader.cancel().catch(() => {}); // the read loop removes it
    });
    this.on(RoomEvent.TokenRefreshed, () => this.publisher.onTokenRefreshed());
    this.on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
      if (!this.closed) this.o.onDisconnected(reason);
    });
  }

  private open(track: RemoteTrack, sid: string, identity: string) {
    if (this.closed || this.inputs.has(sid)) return;
    let stream: AudioStream;
    try {
      stream = new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1, frameSizeMs: FRAME_MS });
    } catch (err) {
      // Unsubscribed right after subscribing: there is nothing to hear.
      this.o.log.debug({ err: String(err), identity }, 'phone leg: audio stream did not open');
      return;
    }
    const input: Input = { identity, reader: stream.getReader(), framer: new Framer(), queue: [], started: false, highTicks: 0 };
    this.inputs.set(sid, input);
    this.o.onTracksChanged();
    void this.read(sid, input);
  }

  private async read(sid: string, input: Input) {
    try {
      for (;;) {
        const { done, value } = await input.reader.read();
        if (done || this.closed) break;
        this.t.trackFrames++;
        if (!this.listening) continue;
        for (const frame of input.framer.push(value.data)) {
          input.started = true;
          input.queue.push(frame);
          if (input.queue.length > MAX_QUEUE) {
            input.queue.shift();
            this.t.trackFramesDropped++;
          }
        }
      }
    } catch {
      /* stream torn down (unsubscribed, room closed) */
    } finally {
      if (this.inputs.get(sid) === input) {
        this.inputs.delete(sid);
        if (!this.closed) this.o.onTracksChanged();
      }
    }
  }
}
