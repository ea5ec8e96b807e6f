/**
 * An unauthenticated bot trusts whoever calls it to say who they are, so it must only ever be
 * called from this machine. Listening on 127.0.0.1 keeps the network out; checking `Host` also
 * keeps out web pages that reach 127.0.0.1 through a DNS name they control (DNS rebinding).
 */
import type { Next, Request, Response } from 'restify';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `127.0.0.1:3978`, `localhost`, `[::1]:80`: the host part of a Host header, lowercased. */
function hostOf(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').trim().toLowerCase();
  const bracketed = /^(\[[^\]]*\])(?::\d*)?$/.exec(host);
  if (bracketed) return bracketed[1];
  return host.replace(/:\d*$/, '');
}

function isLoopbackHost(hostHeader: string | undefined): boolean {
  return LOOPBACK_HOSTS.has(hostOf(hostHeader));
}

/** A restify `pre` handler answering 403 to any request not addressed to a loopback name. */
export function loopbackHostOnly(req: Request, res: Response, next: Next): void {
  if (isLoopbackHost(req.headers.host)) {
    next();
    return;
  }
  res.send(403, {
    error: {
      code: 'Forbidden',
      message: 'This bot runs unauthenticated (MicrosoftAppId is empty) and answers only requests addressed to 127.0.0.1, localhost or [::1].',
    },
  });
  next(false);
}
