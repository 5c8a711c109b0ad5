/**
 * Who may talk to the dashboard: on a loopback address anyone on this machine (like Jupyter's
 * default), beyond it only requests that carry the token given with `--token`.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { AlzbenchError } from '../util/errors.js';

/** Whether a host name or address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Checks the bind settings before anything listens: a non-loopback host without a token would
 * expose every run (and the prediction endpoint) to the network, so it is refused.
 *
 * @throws AlzbenchError (exit code 2) naming the host and what to add
 */
export function checkBindSafety(host: string, token: string | undefined): void {
  if (token !== undefined && token.length < 8) {
    throw new AlzbenchError(`Expected a token of at least 8 characters for --token but received one of ${token.length}`, {
      hint: 'e.g. --token "$(openssl rand -hex 16)"',
      exitCode: 2,
    });
  }
  if (!isLoopbackHost(host) && !token) {
    throw new AlzbenchError(`Refusing to serve on ${host} without --token: every run and the prediction endpoint would be open to the network`, {
      hint: `add --token <secret> (clients then send "Authorization: Bearer <secret>"), or serve on 127.0.0.1`,
      exitCode: 2,
    });
  }
}

/**
 * Whether an Authorization header carries the token (`Bearer <token>`). Compared in constant time
 * over SHA-256 digests, so neither the content nor the length leaks through timing.
 */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(match[1]!.trim()), digest(token));
}
