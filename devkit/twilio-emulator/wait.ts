// Waiting for a condition on something that announces its changes (a call's onChange).

/**
 * Resolves when done() returns true, rejects when it throws (the condition can no longer
 * happen) or after timeoutMs with describe() in the message.
 */
export function waitUntil(onChange: (cb: () => void) => () => void, done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      try {
        if (!done()) return;
        finish();
        resolve();
      } catch (err) {
        finish();
        reject(err);
      }
    };
    const timer = setTimeout(() => (finish(), reject(new Error(`timed out after ${timeoutMs} ms: ${describe()}`))), timeoutMs);
    const off = onChange(check);
    const finish = () => (clearTimeout(timer), off());
    check();
  });
}
