// One LiveKit room per page, wrapped so React can read its state with useSyncExternalStore.
//
// - every subscribed remote audio track is attached to an <audio> element;
// - the microphone is published on connect and re-published whenever the server gives
//   `canPublish` back (revoking it unpublishes the track; docs/ARCHITECTURE.md "Hold"), respecting mute;
// - window.__warmline.room always points at the current Room (or null) for diagnostics.
import {
  ConnectionState,
  DisconnectReason,
  type LocalAudioTrack,
  type RemoteTrack,
  Room,
  RoomEvent,
  Track,
} from 'livekit-client';
import { useSyncExternalStore } from 'react';

export type RoomStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface RoomPeer {
  identity: string;
  name: string;
  speaking: boolean;
}

export interface RoomSnapshot {
  status: RoomStatus;
  /** What this connection is for (a call id); null when idle. */
  key: string | null;
  muted: boolean;
  /** False while the server has revoked our publish permission (e.g. caller on hold). */
  canPublish: boolean;
  /** False when the browser blocked autoplay: show a button that calls startAudio(). */
  canPlayAudio: boolean;
  micError: string | null;
  error: string | null;
  peers: RoomPeer[];
  localSpeaking: boolean;
  /** Increments on every disconnect that we did not ask for (server removed us, network lost). */
  droppedCount: number;
  /** Why the last unasked-for disconnect happened; 'elsewhere': another tab took this identity. */
  dropReason: 'elsewhere' | 'removed' | 'lost' | null;
}

declare global {
  interface Window {
    __warmline?: { room: Room | null };
  }
}

const IDLE: RoomSnapshot = {
  status: 'idle',
  key: null,
  muted: false,
  canPublish: true,
  canPlayAudio: true,
  micError: null,
  error: null,
  peers: [],
  localSpeaking: false,
  droppedCount: 0,
  dropReason: null,
};

/**
 * Browser audio processing (echo cancellation, noise suppression, auto gain) is right for
 * people on headsets, but it flattens pure test tones. `?rawAudio=1` (or localStorage
 * `warmline.rawAudio=1`) turns it off so audio tests can measure frequencies.
 */
function rawAudioRequested(): boolean {
  try {
    if (new URLSearchParams(location.search).get('rawAudio') === '1') return true;
    return localStorage.getItem('warmline.rawAudio') === '1';
  } catch {
    return false;
  }
}

function exposeRoom(room: Room | null): void {
  window.__warmline = { ...(window.__warmline ?? {}), room };
}

export class CallRoom {
  private room: Room | null = null;
  private snapshot: RoomSnapshot = IDLE;
  private readonly listeners = new Set<() => void>();
  private wantMuted = false;
  private micTrack: LocalAudioTrack | null = null;
  private micQueue: Promise<void> = Promise.resolve();
  private generation = 0;
  private audioHost: HTMLElement | null = null;

  constructor() {
    exposeRoom(null);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): RoomSnapshot => this.snapshot;

  get current(): Room | null {
    return this.room;
  }

  private set(patch: Partial<RoomSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }

  private host(): HTMLElement {
    if (!this.audioHost || !this.audioHost.isConnected) {
      const el = document.createElement('div');
      el.id = 'warmline-remote-audio';
      el.hidden = true;
      document.body.appendChild(el);
      this.audioHost = el;
    }
    return this.audioHost;
  }

  /** Connect to `url` with `token`; any previous room is left first. Resolves once connected. */
  async join(key: string, url: string, token: string): Promise<void> {
    await this.leave();
    const gen = ++this.generation;
    const raw = rawAudioRequested();
    const room = new Room({
      adaptiveStream: false,
      dynacast: false,
      // Keep the mic track alive when the server unpublishes it, so that re-publishing
      // after hold does not have to reopen the device.
      stopLocalTrackOnUnpublish: false,
      disconnectOnPageLeave: true,
      audioCaptureDefaults: raw
        ? { echoCancellation: false, noiseSuppression: false, autoGainControl: false }
        : { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    this.room = room;
    this.micTrack = null;
    exposeRoom(room);
    this.set({
      ...IDLE,
      status: 'connecting',
      key,
      muted: this.wantMuted,
      droppedCount: this.snapshot.droppedCount,
    });
    this.wire(room, gen);
    try {
      await room.connect(url, token, { autoSubscribe: true });
    } catch (err) {
      if (gen === this.generation) {
        this.room = null;
        exposeRoom(null);
        this.set({ status: 'disconnected', error: err instanceof Error ? err.message : String(err) });
      }
      void room.disconnect();
      throw err;
    }
    if (gen !== this.generation) {
      void room.disconnect();
      return;
    }
    this.set({
      status: 'connected',
      canPlayAudio: room.canPlaybackAudio,
      canPublish: room.localParticipant.permissions?.canPublish ?? true,
    });
    this.refreshPeers();
    // Attach tracks that were subscribed before our listeners could see them (defensive).
    for (const p of room.remoteParticipants.values()) {
      for (const pub of p.audioTrackPublications.values()) {
        if (pub.track && pub.isSubscribed) this.attach(pub.track);
      }
    }
    this.ensureMic();
  }

  /** Disconnect on purpose (hang up, call completed). Safe to call when idle. */
  /** Another tab of this agent holds the call's audio (the server said so, or took it from us). */
  markElsewhere(): void {
    this.set({ status: 'disconnected', dropReason: 'elsewhere' });
  }

  async leave(): Promise<void> {
    this.generation++;
    const room = this.room;
    this.room = null;
    exposeRoom(null);
    if (room) {
      room.removeAllListeners();
      await room.disconnect().catch(() => undefined);
    }
    this.micTrack?.stop();
    this.micTrack = null;
    this.audioHost?.replaceChildren();
    if (this.snapshot.status !== 'idle') {
      this.set({ ...IDLE, muted: this.wantMuted, droppedCount: this.snapshot.droppedCount });
    }
  }

  setMuted(muted: boolean): void {
    this.wantMuted = muted;
    this.set({ muted });
    this.ensureMic();
  }

  /** Call from a click handler when the browser blocked audio playback. */
  async startAudio(): Promise<void> {
    await this.room?.startAudio().catch(() => undefined);
    this.set({ canPlayAudio: this.room?.canPlaybackAudio ?? true });
  }

  private attach(track: RemoteTrack): void {
    if (track.kind !== Track.Kind.Audio) return;
    if (track.attachedElements.length > 0) return;
    const el = track.attach();
    el.dataset.participantTrack = track.sid ?? '';
    this.host().appendChild(el);
  }

  private refreshPeers(): void {
    const room = this.room;
    if (!room) return;
    const peers: RoomPeer[] = [...room.remoteParticipants.values()].map((p) => ({
      identity: p.identity,
      name: p.name || p.identity,
      speaking: p.isSpeaking,
    }));
    this.set({ peers, localSpeaking: room.localParticipant.isSpeaking });
  }

  /** Make the published microphone match the user's mute choice and the server's permission. */
  private ensureMic(): void {
    this.micQueue = this.micQueue.then(() => this.syncMic()).catch(() => undefined);
  }

  private async syncMic(): Promise<void> {
    const room = this.room;
    if (!room || room.state !== ConnectionState.Connected) return;
    const lp = room.localParticipant;
    if (lp.permissions && !lp.permissions.canPublish) return; // the server will tell us when it is back
    const pub = lp.getTrackPublication(Track.Source.Microphone);
    try {
      if (this.wantMuted) {
        if (pub && !pub.isMuted) await pub.mute();
        return;
      }
      if (pub) {
        if (pub.isMuted) await pub.unmute();
      } else if (this.micTrack && this.micTrack.mediaStreamTrack.readyState === 'live') {
        // Re-publish the same capture track after the server unpublished it (hold).
        try {
          if (this.micTrack.isMuted) await this.micTrack.unmute();
          await lp.publishTrack(this.micTrack, { source: Track.Source.Microphone });
        } catch {
          this.micTrack.stop();
          this.micTrack = null;
          await lp.setMicrophoneEnabled(true);
        }
      } else {
        await lp.setMicrophoneEnabled(true);
      }
      const now = lp.getTrackPublication(Track.Source.Microphone);
      if (now?.track) this.micTrack = now.track as LocalAudioTrack;
      this.set({ micError: null });
    } catch (err) {
      this.set({ micError: micErrorText(err) });
    }
  }

  private wire(room: Room, gen: number): void {
    const mine = () => gen === this.generation;
    room
      .on(RoomEvent.TrackSubscribed, (track) => {
        if (mine()) this.attach(track);
      })
      .on(RoomEvent.TrackUnsubscribed, (track) => {
        for (const el of track.detach()) el.remove();
      })
      .on(RoomEvent.ParticipantConnected, () => mine() && this.refreshPeers())
      .on(RoomEvent.ParticipantDisconnected, () => mine() && this.refreshPeers())
      .on(RoomEvent.ParticipantNameChanged, () => mine() && this.refreshPeers())
      .on(RoomEvent.ActiveSpeakersChanged, () => mine() && this.refreshPeers())
      .on(RoomEvent.AudioPlaybackStatusChanged, () => {
        if (mine()) this.set({ canPlayAudio: room.canPlaybackAudio });
      })
      .on(RoomEvent.ParticipantPermissionsChanged, (prev, p) => {
        if (!mine() || p !== room.localParticipant) return;
        const canPublish = p.permissions?.canPublish ?? true;
        this.set({ canPublish });
        if (canPublish && !(prev?.canPublish ?? false)) this.ensureMic();
      })
      .on(RoomEvent.Reconnecting, () => mine() && this.set({ status: 'reconnecting' }))
      .on(RoomEvent.Reconnected, () => {
        if (!mine()) return;
        this.set({ status: 'connected' });
        this.ensureMic();
      })
      .on(RoomEvent.MediaDevicesError, (err: Error) => mine() && this.set({ micError: micErrorText(err) }))
      .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
        if (!mine()) return;
        const dropReason =
          reason === DisconnectReason.DUPLICATE_IDENTITY
            ? 'elsewhere'
            : reason === DisconnectReason.PARTICIPANT_REMOVED || reason === DisconnectReason.ROOM_DELETED
              ? 'removed'
              : 'lost';
        // Not asked for by us: the server removed us (call completed / ended) or the network died.
        this.room = null;
        exposeRoom(null);
        this.micTrack?.stop();
        this.micTrack = null;
        this.audioHost?.replaceChildren();
        this.set({
          ...IDLE,
          status: 'disconnected',
          key: this.snapshot.key,
          muted: this.wantMuted,
          droppedCount: this.snapshot.droppedCount + 1,
          dropReason,
        });
      });
  }
}

function micErrorText(err: unknown): string {
  const name = err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError') return 'Microphone blocked — allow microphone access in the browser to be heard.';
  if (name === 'NotFoundError') return 'No microphone found.';
  return `Microphone problem: ${err instanceof Error ? err.message : String(err)}`;
}

/** The page's single call room. */
export const callRoom = new CallRoom();

export function useCallRoom(): RoomSnapshot {
  return useSyncExternalStore(callRoom.subscribe, callRoom.getSnapshot);
}
