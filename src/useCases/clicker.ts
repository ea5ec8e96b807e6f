/**
 * Who clicked a card button, as the channel vouches for them (never as the card's data says): what
 * the card use cases authorize (approvals/roles) and record as the actor.
 */
import type { Someone } from '../approvals/roles';
import type { Actor } from '../requests/accessRequest';

export interface Clicker extends Someone {
  /** Their Teams id (`29:…`): recorded in place of the directory id when that is unknown (a local test). */
  channelUserId: string;
  displayName: string;
}

export function actorOf(clicker: Clicker): Extract<Actor, { kind: 'user' }> {
  return { kind: 'user', id: clicker.userId ?? clicker.channelUserId, displayName: clicker.displayName };
}
