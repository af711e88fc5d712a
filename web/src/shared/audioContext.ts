// One shared AudioContext for locally generated sounds (hold music, ring tone).
// Browsers start it suspended until a user gesture; we resume it on the first click/key.

let ctx: AudioContext | null = null;
let unlockInstalled = false;

export function audioContext(): AudioContext | null {
  if (!ctx) {
    const Ctor: typeof AudioContext | undefined =
      window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return null;
    ctx = new Ctor();
  }
  if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
  return ctx;
}

/** Resume the context on the next user gesture (for pages opened without one, e.g. after reload). */
export function unlockAudioOnGesture(): void {
  if (unlockInstalled) return;
  unlockInstalled = true;
  const unlock = () => {
    const c = audioContext();
    if (c && c.state === 'running') {
      window.removeEventListener('pointerdown', unlock, true);
      window.removeEventListener('keydown', unlock, true);
    }
  };
  window.addEventListener('pointerdown', unlock, true);
  window.addEventListener('keydown', unlock, true);
}
