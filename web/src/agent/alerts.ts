// Alerts for what needs an agent: a short chime (WebAudio, no file) and a desktop notification.
// The notification permission is asked once, from a click on "Desktop alerts" in the header
// (never at load); the answer is the browser's to remember, ours only that we asked.
import { audioContext } from '../shared/audioContext';

const ASKED_KEY = 'warmline.alerts.asked';
// Away from the 440/660/880/1000 Hz test tones (and the 1245 Hz transfer ring).
const CHIME_HZ = [1319, 1760];

export type AlertPermission = NotificationPermission | 'unsupported';

export function alertPermission(): AlertPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Whether the one permission prompt was already shown (from this browser). */
export function alertPermissionAsked(): boolean {
  try {
    return localStorage.getItem(ASKED_KEY) === '1';
  } catch {
    return false;
  }
}

/** Ask for desktop notifications: call from a click handler only. */
export async function requestAlertPermission(): Promise<AlertPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    localStorage.setItem(ASKED_KEY, '1');
  } catch {
    /* private mode: we may ask again next time */
  }
  if (Notification.permission !== 'default') return Notification.permission;
  return Notification.requestPermission();
}

/** Two rising notes, ~0.3 s: a new caller is waiting. */
export function chime(): void {
  const ctx = audioContext();
  if (!ctx || ctx.state !== 'running') return;
  const start = ctx.currentTime + 0.02;
  CHIME_HZ.forEach((hz, i) => {
    const at = start + i * 0.14;
    const osc = ctx.createOscillator();
    const env = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(hz, at);
    env.gain.setValueAtTime(0, at);
    env.gain.linearRampToValueAtTime(0.15, at + 0.01);
    env.gain.exponentialRampToValueAtTime(0.001, at + 0.25);
    osc.connect(env).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.27);
  });
}

/** A desktop notification when allowed and the console is not in front; clicking it brings the tab. */
export function notifyDesktop(title: string, body: string, tag: string): void {
  if (alertPermission() !== 'granted' || (document.visibilityState === 'visible' && document.hasFocus())) return;
  try {
    const n = new Notification(title, { body, tag, requireInteraction: false });
    n.onclick = () => {
      window.focus();
      n.close();
    };
  } catch {
    /* some browsers only allow notifications from a service worker */
  }
}
