// Connections LiveKit lists but no node hosts: their node died, and LiveKit's shared store (Redis)
// keeps listing them for as long as their room lives (see MediaControl.probeParticipant). Found
// by asking each participant's node (services/media-sync.ts checkConnections), kept by sid (a sid
// is never reused) and left out of every comparison: not present (their departure counts after
// the grace period), never removed or updated (LiveKit would not answer in time). Forgotten after
// a while; if still listed then, a probe finds them again. A cache, not state of record: another
// instance finds them by itself. No I/O here.
const UNHOSTED_TTL_MS = 60_000;
const HOSTED_TTL_MS = 10_000;
/** At most one background check per call this often. */
const CHECK_EVERY_MS = 5_000;

export type ProbeVerdict = 'hosted' | 'gone' | 'unknown';

export class UnhostedConnections {
  private readonly unhosted = new Map<string, number>(); // sid → found at
  /** room + identity → the unhosted sid LiveKit lists for it (the fast path does not call LiveKit for them). */
  private readonly ghostOf = new Map<string, string>();
  /** sids a probe found hosted, when: these may be revived in the record. */
  private readonly hosted = new Map<string, number>();
  private readonly lastCheck = new Map<string, number>();

  private static key(room: string, identity: string) {
    return `${room}\n${identity}`;
  }

  isUnhosted(sid: string): boolean {
    return this.unhosted.has(sid);
  }

  /** The identity's listed connection in this room is one no node hosts. */
  isGhost(room: string, identity: string): boolean {
    return this.ghostOf.has(UnhostedConnections.key(room, identity));
  }

  /** A probe found this connection hosted a moment ago. */
  isHosted(sid: string): boolean {
    return this.hosted.has(sid);
  }

  /** What LiveKit lists, minus connections no node hosts. */
  hostedOnly<P extends { identity: string; sid: string }>(room: string, listed: P[]): P[] {
    return listed.filter((p) => {
      if (this.unhosted.has(p.sid)) return false;
      this.ghostOf.delete(UnhostedConnections.key(room, p.identity)); // a newer connection is listed
      return true;
    });
  }

  /** The verdicts of one check of a room's listed connections. */
  record(room: string, verdicts: { p: { identity: string; sid: string }; verdict: ProbeVerdict }[], now = Date.now()) {
    this.prune(now);
    for (const { p, verdict } of verdicts) {
      if (verdict === 'gone') {
        this.unhosted.set(p.sid, now);
        this.ghostOf.set(UnhostedConnections.key(room, p.identity), p.sid);
      } else if (verdict === 'hosted') this.hosted.set(p.sid, now);
    }
  }

  /** Whether a background check of this call is due (and if so, counts it as started). */
  checkDue(callId: string, now = Date.now()): boolean {
    if (now - (this.lastCheck.get(callId) ?? 0) < CHECK_EVERY_MS) return false;
    this.lastCheck.set(callId, now);
    return true;
  }

  checked(callId: string, now = Date.now()) {
    this.lastCheck.set(callId, now);
  }

  private prune(now: number) {
    for (const [sid, at] of this.unhosted) if (now - at > UNHOSTED_TTL_MS) this.unhosted.delete(sid);
    for (const [key, sid] of this.ghostOf) if (!this.unhosted.has(sid)) this.ghostOf.delete(key);
    for (const [sid, at] of this.hosted) if (now - at > HOSTED_TTL_MS) this.hosted.delete(sid);
    for (const [id, at] of this.lastCheck) if (now - at > CHECK_EVERY_MS) this.lastCheck.delete(id);
  }
}
