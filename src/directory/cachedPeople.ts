/**
 * The request dialog's look-ups of people, kept a few minutes: the requester (`getUser`) and their
 * manager (`getManager`, the sponsor the dialog proposes). Someone who files several requests
 * would otherwise cost Graph the same two round trips each time (two of a request's five, and
 * 100 to 600 ms of their waiting on a real tenant).
 *
 * Why PEOPLE_CACHE_MS is safe: what the dialog reads of a person (member or guest, enabled, name,
 * address, manager) changes rarely, and a change made in Entra reaches the dialog within 5
 * minutes. A requester whose account was just disabled could start a request in those minutes,
 * as their Teams sign-in itself outlives the change (Entra's tokens last up to an hour). Nothing
 * after the dialog reads through this cache: the jobs, the watchers and the clicks ask Graph anew.
 * Not-found answers and errors are not kept, so someone just added is found at once.
 */
import { LRUCache } from 'lru-cache';
import type { Directory, DirectoryUser } from './directory';

export const PEOPLE_CACHE_MS = 5 * 60_000;
/** People kept at most: a busy tenant's requesters of the last minutes, at about a kilobyte each. */
export const PEOPLE_CACHE_SIZE = 2_000;

interface CacheOptions {
  ttlMs?: number;
  max?: number;
  /** Milliseconds now; the cache counts real time. */
  now?: () => number;
}

/** `directory`, with getUser and getManager answered from what it said in the last PEOPLE_CACHE_MS. */
export function withCachedPeople(directory: Directory, options: CacheOptions = {}): Directory {
  // ttlResolution 0: the time is read at each look-up, not kept for a millisecond (which a test's clock would outrun).
  const settings = {
    max: options.max ?? PEOPLE_CACHE_SIZE,
    ttl: options.ttlMs ?? PEOPLE_CACHE_MS,
    ttlResolution: 0,
    ...(options.now ? { perf: { now: options.now } } : {}),
  };
  const users = new LRUCache<string, DirectoryUser>(settings);
  // Kept with its answer, so "no manager" is kept too (it is an answer, not a failure).
  const managers = new LRUCache<string, { manager?: DirectoryUser }>(settings);
  const getUser = async (id: string): Promise<DirectoryUser | undefined> => {
    const kept = users.get(id);
    if (kept) return kept;
    const user = await directory.getUser(id);
    if (user) users.set(id, user);
    return user;
  };
  const getManager = async (userId: string): Promise<DirectoryUser | undefined> => {
    const kept = managers.get(userId);
    if (kept) return kept.manager;
    const manager = await directory.getManager(userId);
    managers.set(userId, { manager });
    return manager;
  };
  return new Proxy(directory, {
    get(target, property) {
      if (property === 'getUser') return getUser;
      if (property === 'getManager') return getManager;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
