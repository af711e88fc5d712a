// One phone leg: a Twilio bidirectional Media Stream (μ-law 8 kHz over a WebSocket) bridged to a
// LiveKit room by its own rtc-node participant, in the process that holds the socket.
//
//   phone → room  each inbound `media` payload is decoded, cut into 20 ms frames and published from
//                 an AudioSource (live mode only; room-publisher.ts owns the publish state).
//   room → phone  every 20 ms, against a monotonic deadline (pacer.ts), one frame per subscribed
//                 track is mixed, μ-law encoded and sent as one `media` message; or hold music, or
//                 silence, by mode. A `clear` goes first whenever that source changes (mode, or the
//                 set of tracks heard), so Twilio drops what it buffered of the old one (notes §7).
//
// The leg ends once, whatever comes first — the phone's `stop`, the socket closing, close() — and
// the teardown runs in one `finally`: pacer, room (tracks, streams), socket (1000), then onEnd.
// The room connection dropping is not an end when the bridge can rejoin (`rejoin`): the phone is
// still on the line, so the bridge joins the room again with a fresh token, for as long as the
// record wants the leg (media returns to the record by itself; only the phone or the record ends it).
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { Framer, MULAW_SILENT_FRAME, mulawDecode, mulawEncode } from './audio.js';
import { HoldMusic } from './hold-music.js';
import { clearMessage, frameText, markMessage, mediaMessage, parseMediaMessage, type StartMessage } from './media-stream.js';
import { Pacer, type PacerStats } from './pacer.js';
import { PlayoutDepth, type PlayoutDepthStats } from './playout-depth.js';
import { DisconnectReason } from '@livekit/rtc-node';
import { RoomLeg, emptyLegStats, type RoomLegStats } from './room-leg.js';
import type { LegMode } from '../domain/phone-leg.js';

// The mode is what the record says the leg does (domain/phone-leg.ts decides it):
export type { LegMode };
//  live: the phone's audio is published into the room and the phone hears the room (everyone it is subscribed to, mixed);
//  hold_music: nothing is published; the phone hears generated hold music;
//  silent: nothing is published; the phone hears silence (μ-law 0xFF frames, see nextPayload()).

export type EndReason = 'stop' | 'socket_closed' | 'room_disconnected' | 'shutdown' | 'error';

export interface PhoneBridgeOptions {
  /** A 'ws' WebSocket, after readStart() consumed `connected` and `start`. */
  socket: WebSocket;
  start: StartMessage;
  livekitUrl: string;
  /** A join token for the leg's identity. */
  token: string;
  /** Initial mode. */
  mode: LegMode;
  log: Logger;
  /** Called exactly once, also when start() rejects. */
  onEnd: (reason: EndReason) => void;
  onDtmf?: (digit: string) => void;
  /** Bound on joining the room (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * The room connection dropped while the phone is still on the line: a fresh join token for the
   * same identity, or null when the record no longer wants the leg (then it ends, room_disconnected).
   * A rejection is retried with backoff. Without it, a dropped room connection ends the leg.
   */
  rejoin?: () => Promise<string | null>;
  /** Backoff between rejoin attempts, ms (default 250, 500, 1000, 2000, 4000, then 4000). */
  rejoinBackoffMs?: readonly number[];
}

const REJOIN_BACKOFF_MS = [250, 500, 1000, 2000, 4000] as const;

export interface PhoneBridgeStats extends RoomLegStats {
  mode: LegMode;
  /** `media` messages received from the phone. */
  mediaIn: number;
  /** `media` messages sent to the phone. */
  mediaOut: number;
  clearsSent: number;
  marksIn: number;
  malformedIn: number;
  /** Frames not sent because the socket's send buffer was backed up. */
  sendSkipped: number;
  /** Times the room connection dropped and the bridge joined again / attempts that failed. */
  rejoins: number;
  rejoinFailures: number;
  pacer: PacerStats;
  /** Twilio's buffer as measured by mark echoes, and frames skipped to shrink it. */
  playout: PlayoutDepthStats;
}

/** Past this many unsent bytes (~3 s of media messages) the socket is stuck: skip, do not pile up. */
const MAX_BUFFERED_BYTES = 64 * 1024;

export class PhoneBridge {
  private mode: LegMode;
  private leg: RoomLeg | null = null;
  private readonly framer = new Framer();
  private readonly hold = new HoldMusic();
  private readonly depth = new PlayoutDepth();
  // After a stall, one frame of catch-up at most (maxCatchUp 2): Twilio's buffer is kept about one
  // frame above empty (playout-depth.ts), so a longer stall ran it dry anyway, and more frames sent
  // late would only queue there as delay until the depth control drains them.
  private readonly pacer = new Pacer(20, () => this.tick(), 2);
  private readonly streamSid: string;
  private needClear = false;
  private probed = false;
  private endReason: EndReason | null = null;
  private signalEnd!: (r: EndReason) => void;
  private readonly ended = new Promise<EndReason>((resolve) => (this.signalEnd = resolve));
  private connecting: Promise<RoomLeg> | null = null;
  private readonly finished: Promise<void>;
  private readonly c = { mediaIn: 0, mediaOut: 0, clearsSent: 0, marksIn: 0, malformedIn: 0, sendSkipped: 0, rejoins: 0, rejoinFailures: 0 };
  private rejoining = false;
  private dropDuringRejoin = false;
  /** Which room connection is the current one (see connectLeg). */
  private legGen = 0;

  private constructor(private readonly o: PhoneBridgeOptions) {
    this.mode = o.mode;
    this.streamSid = o.start.streamSid;
    this.finished = this.run();
  }

  /**
   * Joins the room and starts both directions. Resolves once the room is joined; rejects when the
   * leg ended first (socket closed, `stop`, LiveKit refused or timed out) — onEnd has then been called.
   */
  static async start(o: PhoneBridgeOptions): Promise<PhoneBridge> {
    const b = new PhoneBridge(o);
    b.attachSocket();
    if (o.socket.readyState !== o.socket.OPEN) b.end('socket_closed');
    if (b.endReason) {
      await b.finished;
      throw new Error(`phone leg ended before it started: ${b.endReason}`);
    }
    b.connecting = b.connectLeg(o.token);
    try {
      b.leg = await b.connecting;
    } catch (err) {
      o.log.warn({ err: String(err) }, 'phone leg: could not join the room');
      b.end('error');
    }
    if (b.endReason) {
      await b.finished;
      throw new Error(`phone leg ended before it started: ${b.endReason}`);
    }
    b.apply(b.mode);
    b.pacer.start();
    o.log.info({ mode: b.mode, streamSid: b.streamSid }, 'phone leg bridged');
    return b;
  }

  /** What the phone hears and whether it is heard; takes effect on the next 20 ms tick. */
  setMode(m: LegMode): void {
    if (this.endReason || m === this.mode) return;
    this.o.log.info({ from: this.mode, to: m }, 'phone leg mode');
    this.mode = m;
    if (this.leg) this.apply(m);
    this.needClear = true;
  }

  /** Ends the leg (idempotent); resolves when everything is torn down and onEnd has run. */
  async close(reason: EndReason = 'shutdown'): Promise<void> {
    this.end(reason);
    await this.finished;
  }

  stats(): PhoneBridgeStats {
    const leg = this.leg?.stats() ?? emptyLegStats();
    return { ...leg, mode: this.mode, ...this.c, pacer: this.pacer.stats(), playout: this.depth.stats() };
  }

  private connectLeg(token: string): Promise<RoomLeg> {
    const o = this.o;
    const gen = ++this.legGen;
    return RoomLeg.connect({
      livekitUrl: o.livekitUrl,
      token,
      log: o.log,
      connectTimeoutMs: o.connectTimeoutMs,
      // Only the newest connection's drop counts (an older one is already being let go).
      onDisconnected: (reason) => {
        if (gen === this.legGen) this.roomDropped(reason);
      },
      onTracksChanged: () => {
        if (this.mode === 'live') this.needClear = true;
      },
    });
  }

  /**
   * LiveKit dropped the room connection. A second connection with the same identity took it over
   * (DUPLICATE_IDENTITY): this one is superseded and ends. Otherwise, the phone is still on the line:
   * rejoin (if the bridge can), and end only when the record says the leg is over.
   */
  private roomDropped(reason: DisconnectReason | undefined) {
    if (this.endReason) return;
    this.o.log.warn({ reason, rejoin: !!this.o.rejoin }, 'phone leg: room connection dropped');
    if (!this.o.rejoin || reason === DisconnectReason.DUPLICATE_IDENTITY || (!this.leg && !this.rejoining)) {
      this.end('room_disconnected'); // (no leg yet and not rejoining: start() is still connecting)
      return;
    }
    if (this.rejoining) {
      this.dropDuringRejoin = true; // the new connection dropped as it came up: once more
      return;
    }
    this.rejoining = true;
    void (async () => {
      try {
        do {
          this.dropDuringRejoin = false;
          await this.rejoinRoom();
        } while (this.dropDuringRejoin && !this.endReason);
      } catch (err) {
        this.o.log.error({ err }, 'phone leg: rejoin failed');
        this.end('error');
      } finally {
        this.rejoining = false;
      }
    })();
  }

  private async rejoinRoom() {
    const old = this.leg;
    // No room meanwhile: the phone hears silence (live) or hold music, and nothing is captured.
    this.leg = null;
    this.needClear = true;
    void old?.close().catch(() => undefined); // its room is gone; tracks and streams are let go meanwhile
    const backoff = this.o.rejoinBackoffMs ?? REJOIN_BACKOFF_MS;
    for (let attempt = 0; !this.endReason; attempt++) {
      try {
        const token = await this.o.rejoin!();
        if (this.endReason) return;
        if (token === null) {
          this.o.log.info('phone leg: the record no longer wants the leg; not rejoining');
          this.end('room_disconnected');
          return;
        }
        const connecting = this.connectLeg(token);
        this.connecting = connecting; // the teardown closes a leg still connecting
        const leg = await connecting;
        if (this.endReason) {
          await leg.close().catch(() => undefined); // ended meanwhile; run() may already have finished
          return;
        }
        this.leg = leg;
        this.c.rejoins++;
        this.apply(this.mode);
        this.needClear = true;
        this.o.log.info({ attempt, mode: this.mode }, 'phone leg: rejoined the room');
        return;
      } catch (err) {
        this.c.rejoinFailures++;
        this.o.log.warn({ err: String(err), attempt }, 'phone leg: rejoin failed; retrying');
        await this.sleepUnlessEnded(backoff[Math.min(attempt, backoff.length - 1)] ?? 1000);
      }
    }
  }

  private sleepUnlessEnded(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      void this.ended.then(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private apply(m: LegMode) {
    const live = m === 'live';
    this.leg!.publisher.setWanted(live);
    this.leg!.setListening(live);
    if (!live) this.framer.reset();
    if (m === 'hold_music') this.hold.rewind();
  }

  private end(reason: EndReason) {
    if (this.endReason) return;
    this.endReason = reason;
    this.signalEnd(reason);
  }

  private async run(): Promise<void> {
    let reason: EndReason = 'error';
    try {
      reason = await this.ended;
    } finally {
      this.pacer.stop();
      this.o.socket.off('message', this.onMessage);
      const leg = this.leg ?? (await this.connecting?.catch(() => null)) ?? null;
      await leg?.close().catch((err: unknown) => this.o.log.warn({ err: String(err) }, 'phone leg: room close failed'));
      const s = this.o.socket;
      if (s.readyState === s.OPEN || s.readyState === s.CONNECTING) s.close(1000);
      this.o.log.info({ reason, ...this.stats() }, 'phone leg ended');
      try {
        this.o.onEnd(reason);
      } catch (err) {
        this.o.log.error({ err }, 'phone leg: onEnd threw');
      }
    }
  }

  private attachSocket() {
    const s = this.o.socket;
    s.on('message', this.onMessage);
    s.once('close', () => this.end('socket_closed'));
    s.on('error', (err) => {
      this.o.log.warn({ err: String(err) }, 'phone leg: socket error');
      this.end('error');
    });
  }

  private readonly onMessage = (data: RawData, isBinary: boolean) => {
    try {
      const text = frameText(data, isBinary);
      const msg = text === null ? null : parseMediaMessage(text);
      if (!msg) {
        if (this.c.malformedIn++ === 0) this.o.log.warn('phone leg: malformed message from the media stream (ignored)');
        return;
      }
      switch (msg.event) {
        case 'media':
          this.c.mediaIn++;
          if (this.mode === 'live' && this.leg?.publisher.published) {
            const pcm = mulawDecode(Buffer.from(msg.media.payload, 'base64'));
            for (const frame of this.framer.push(pcm)) this.leg.publisher.capture(frame);
          }
          break;
        case 'dtmf':
          this.o.onDtmf?.(msg.dtmf.digit);
          break;
        case 'mark':
          this.c.marksIn++;
          this.depth.echoed(msg.mark.name, performance.now());
          break;
        case 'stop':
          this.end('stop');
          break;
        default:
          break; // a repeated connected/start changes nothing
      }
    } catch (err) {
      this.o.log.error({ err }, 'phone leg: inbound message failed');
    }
  };

  // Silent mode sends μ-law silence rather than nothing: the phone's playout keeps a steady clock
  // (no underrun and re-buffering when audio resumes), and a listener can tell "the leg is alive
  // and silent" from "the leg stalled". Stale room audio is not a risk either way: `clear` went first.
  private nextPayload(): Uint8Array {
    if (this.mode === 'hold_music') return mulawEncode(this.hold.next());
    if (this.mode === 'live') {
      const mix = this.leg?.pullMix() ?? null;
      if (mix) return mulawEncode(mix);
    }
    return MULAW_SILENT_FRAME;
  }

  private tick() {
    try {
      const s = this.o.socket;
      if (this.endReason || s.readyState !== s.OPEN) return;
      if (this.needClear) {
        s.send(clearMessage(this.streamSid));
        this.depth.cleared();
        this.c.clearsSent++;
      }
      // A probe mark whenever Twilio's buffer is known to be empty: first thing, and after a clear.
      if (this.needClear || !this.probed) s.send(markMessage(this.streamSid, this.depth.probe(performance.now())));
      this.needClear = false;
      this.probed = true;
      // Skipping a tick still consumes its audio: what the phone would have heard is dropped, so
      // Twilio's backlog (or a stuck socket's) turns into a gap, never into lasting delay.
      const skip = s.bufferedAmount > MAX_BUFFERED_BYTES;
      if (skip) this.c.sendSkipped++;
      const payload = this.nextPayload();
      if (skip || this.depth.takeSkip()) return;
      s.send(mediaMessage(this.streamSid, payload));
      this.c.mediaOut++;
      const mark = this.depth.afterSend();
      if (mark) s.send(markMessage(this.streamSid, mark));
    } catch (err) {
      this.o.log.error({ err }, 'phone leg: tick failed');
    }
  }
}
