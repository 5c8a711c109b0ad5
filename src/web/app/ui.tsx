// Small pieces every page uses: navigation, the failure message and the token prompt.
import { useState, type FormEvent } from 'react';
import { setToken } from './api';

/** Navigates inside the app. */
export function go(hash: string): void {
  location.hash = hash;
}

function TokenForm() {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setToken(value);
    location.reload();
  };
  return (
    <form className="token" onSubmit={submit}>
      <p>
        This dashboard needs its access token (the one given to <code>alzbench serve --token</code>).
      </p>
      <input type="password" value={value} onChange={(e) => setValue(e.target.value)} aria-label="token" autoFocus />
      <button type="submit">Use token</button>
    </form>
  );
}

/** Shown when a page's request failed; a 401 asks for the token. */
export function Failure(props: { error: Error & { status?: number } }) {
  if (props.error.status === 401) return <TokenForm />;
  return (
    <p className="error" role="alert">
      {props.error.message}
    </p>
  );
}
