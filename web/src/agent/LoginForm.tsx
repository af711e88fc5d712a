import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, errorMessage } from '../shared/api';

export function LoginForm({ onSignedIn }: { onSignedIn(): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [devMode, setDevMode] = useState(false);

  useEffect(() => {
    api
      .config()
      .then((c) => setDevMode(c.devMode === true))
      .catch(() => setDevMode(false));
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await api.login(email.trim(), password);
      onSignedIn();
    } catch (err) {
      setError(
        err instanceof ApiError && err.code === 'invalid_credentials'
          ? 'Wrong email or password.'
          : errorMessage(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <form className="card login-card" onSubmit={submit}>
        <div className="brand brand-big">
          <span className="brand-dot" aria-hidden /> Warmline
        </div>
        <h1>Agent sign-in</h1>
        <label className="field">
          <span>Email</span>
          <input
            data-testid="login-email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p className="alert alert-error" data-testid="login-error" role="alert">
            {error}
          </p>
        )}
        <button data-testid="login-button" className="btn btn-primary btn-big" type="submit" disabled={busy}>
          {busy ? (
            <>
              <span className="spinner" aria-hidden /> Signing in…
            </>
          ) : (
            'Sign in'
          )}
        </button>
        {devMode && (
          <p className="dev-hint">
            Dev mode: try <code>alice@warmline.test</code> / <code>warmline-demo</code>
          </p>
        )}
      </form>
    </div>
  );
}
