// The "?" dialog: every console shortcut, and a switch to turn single-key shortcuts off.
// A native modal <dialog>: focus moves in, stays in, Escape closes, focus returns to the opener.
import { useEffect, useRef, useState } from 'react';
import { SHORTCUTS, setShortcutsEnabled, shortcutsEnabled, useShortcuts } from './shortcuts';

export function ShortcutHelp() {
  const { helpOpen, setHelpOpen } = useShortcuts();
  const dialog = useRef<HTMLDialogElement>(null);
  const [enabled, setEnabled] = useState(shortcutsEnabled);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (helpOpen && !d.open) d.showModal();
    else if (!helpOpen && d.open) d.close();
  }, [helpOpen]);

  return (
    <>
      <button type="button" className="btn btn-ghost btn-small" data-testid="shortcuts-button" aria-keyshortcuts="?" onClick={() => setHelpOpen(true)}>
        Keyboard shortcuts <kbd aria-hidden>?</kbd>
      </button>
      <dialog ref={dialog} className="card shortcut-dialog" aria-labelledby="shortcuts-title" data-testid="shortcuts-dialog" onClose={() => setHelpOpen(false)}>
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <p className="muted small">They work anywhere in the console except while you type in a field.</p>
        <dl className="shortcut-list">
          {SHORTCUTS.map((s) => (
            <div key={s.key}>
              <dt>
                <kbd>{s.key === '?' ? '?' : s.key.toUpperCase()}</kbd>
              </dt>
              <dd>{s.label}</dd>
            </div>
          ))}
        </dl>
        <label className="shortcut-switch">
          <input
            type="checkbox"
            checked={enabled}
            data-testid="shortcuts-enabled"
            onChange={(e) => {
              setShortcutsEnabled(e.target.checked);
              setEnabled(e.target.checked);
            }}
          />
          Single-key shortcuts on
        </label>
        <div className="row">
          <button type="button" className="btn btn-primary" onClick={() => setHelpOpen(false)}>
            Close shortcuts
          </button>
        </div>
      </dialog>
    </>
  );
}
