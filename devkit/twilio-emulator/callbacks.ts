// Delivery of a call's status callbacks. Twilio promises no order ("no guarantee they will
// arrive in the same order", note §4), so besides in-order delivery there is a hostile mode:
// every pair of callbacks is swapped (always out of order, yet timely) and, once the call
// has ended, its first callback is sent again late (a duplicate).
import { postSigned, type AppLink } from './app-link.js';

export interface CallbackRecord {
  kind: 'status' | 'amd' | 'stream';
  url: string;
  params: Record<string, string>;
  /** The app's HTTP status; 0 when it did not answer. */
  status: number;
  /** True for the deliberate late duplicate. */
  duplicate?: boolean;
  error?: string;
}

export class CallbackQueue {
  private chain: Promise<void> = Promise.resolve();
  private held: { url: string; params: Record<string, string> } | null = null;
  private first: { url: string; params: Record<string, string> } | null = null;

  constructor(
    private readonly link: AppLink,
    private readonly outOfOrder: boolean,
    private readonly record: (r: CallbackRecord) => void,
  ) {}

  /** A status callback, delivered after the ones before it (or swapped, out of order). */
  status(url: string, params: Record<string, string>): void {
    const item = { url, params };
    this.first ??= item;
    if (!this.outOfOrder) return this.send('status', item);
    if (!this.held) {
      this.held = item;
      return;
    }
    const earlier = this.held;
    this.held = null;
    this.send('status', item);
    this.send('status', earlier);
  }

  /** The call has ended: release what is held and, out of order, the late duplicate. */
  finish(): void {
    if (this.held) this.send('status', this.held);
    this.held = null;
    if (this.outOfOrder && this.first) this.send('status', this.first, true);
  }

  /** AMD and stream callbacks go to their own URLs and are not held back. */
  other(kind: 'amd' | 'stream', url: string, params: Record<string, string>): void {
    void this.deliver(kind, { url, params });
  }

  /** Settles when every queued status callback has been answered. */
  idle(): Promise<void> {
    return this.chain;
  }

  private send(kind: 'status', item: { url: string; params: Record<string, string> }, duplicate = false): void {
    this.chain = this.chain.then(() => this.deliver(kind, item, duplicate));
  }

  private async deliver(kind: CallbackRecord['kind'], item: { url: string; params: Record<string, string> }, duplicate = false): Promise<void> {
    const res = await postSigned(this.link, item.url, item.params);
    this.record({ kind, url: item.url, params: item.params, status: res.status, ...(duplicate ? { duplicate } : {}), ...(res.error ? { error: res.error } : {}) });
  }
}

/** A <Stream statusCallback> request's params (Stream doc; note §1.1). */
export function streamCallbackParams(accountSid: string, callSid: string, name: string | undefined, event: string, streamSid: string, error?: string): Record<string, string> {
  return {
    AccountSid: accountSid,
    CallSid: callSid,
    StreamSid: streamSid,
    StreamName: name ?? streamSid,
    StreamEvent: event,
    ...(error ? { StreamError: error } : {}),
    Timestamp: new Date().toISOString(),
  };
}
