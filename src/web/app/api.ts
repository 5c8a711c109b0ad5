// The web app's side of the API: fetch with the bearer token (kept in sessionStorage, taken once
// from a `#token=...` fragment so it never travels in a URL the server sees), and React hooks.
import { useCallback, useEffect, useRef, useState } from 'react';

const TOKEN_KEY = 'alzbench-token';

/** Takes `token=...` out of the URL fragment (where `alzbench serve` puts it) into sessionStorage. */
export function captureToken(): void {
  const match = /(?:^#|[&?])token=([^&]+)/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]!));
  const rest = location.hash.replace(/[&?]?token=[^&]+/, '').replace(/^#$/, '');
  history.replaceState(null, '', `${location.pathname}${rest || '#/'}`);
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** An API error: HTTP status and the server's message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

async function failure(response: Response): Promise<ApiFailure> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: { message?: string; hint?: string } };
    if (body.error?.message) message = body.error.message + (body.error.hint ? ` (${body.error.hint})` : '');
  } catch {
    // not JSON: keep the status line
  }
  return new ApiFailure(response.status, message);
}

/** GET a JSON API path. */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/** POST raw bytes (an uploaded file) and read JSON back. */
export async function postFile<T>(path: string, file: Blob): Promise<T> {
  const response = await fetch(path, { method: 'POST', headers: headers({ 'content-type': file.type || 'application/octet-stream' }), body: file });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/** GET an image through the token and give it an object URL (an <img src> cannot send headers). */
export async function getImageUrl(path: string): Promise<string> {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  return URL.createObjectURL(await response.blob());
}

/** State of a request. */
export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: ApiFailure | Error | undefined;
  readonly reload: () => void;
}

/**
 * Loads `path` (null: nothing), and again every `pollMs` while `poll(data)` holds: the run page
 * uses it to follow a running run epoch by epoch.
 */
export function useApi<T>(path: string | null, options: { pollMs?: number; poll?: (data: T) => boolean } = {}): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [tick, setTick] = useState(0);
  const pollRef = useRef(options.poll);
  pollRef.current = options.poll;
  useEffect(() => {
    if (path === null) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const value = await getJson<T>(path);
        if (cancelled) return;
        setData(value);
        setError(undefined);
        if (options.pollMs && (pollRef.current?.(value) ?? true)) timer = setTimeout(load, options.pollMs);
      } catch (e) {
        if (!cancelled) setError(e as Error);
      }
    };
    void load();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [path, tick, options.pollMs]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}

/** An image loaded through the token, as an object URL (freed when the component goes). */
export function useImage(path: string | null): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (path === null) return;
    let made: string | undefined;
    let cancelled = false;
    getImageUrl(path).then(
      (u) => {
        if (cancelled) URL.revokeObjectURL(u);
        else setUrl((made = u));
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [path]);
  return url;
}
