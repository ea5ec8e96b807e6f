import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Schema } from '../schema';
import * as initial from './001_initial';
import * as exactlyOnce from './002_exactly_once';
import * as redemptionWatch from './003_redemption_watch';
import * as reinvitations from './004_reinvitations';
import * as accessPeriod from './005_access_period';
import * as ownerStages from './006_owner_stages';
import * as existingGuest from './007_existing_guest';
import * as jobsByRequest from './008_jobs_by_request';
import * as requestsByPersonAndGuest from './009_requests_by_person_and_guest';
import * as whatTheBotGave from './010_what_the_bot_gave';
import * as extensionStages from './011_extension_stages';
import * as withdrawnInvitations from './012_withdrawn_invitations';
import * as sponsorsWhoLeave from './013_sponsors_who_leave';
import * as inactiveGuests from './014_inactive_guests';
import * as severalGuests from './015_several_guests';
import * as changesByStateAndTime from './016_changes_by_state_and_time';

/** Migrations are compiled in, not read from a folder, so they travel with the build. */
const MIGRATIONS: Record<string, Migration> = {
  '001_initial': initial,
  '002_exactly_once': exactlyOnce,
  '003_redemption_watch': redemptionWatch,
  '004_reinvitations': reinvitations,
  '005_access_period': accessPeriod,
  '006_owner_stages': ownerStages,
  '007_existing_guest': existingGuest,
  '008_jobs_by_request': jobsByRequest,
  '009_requests_by_person_and_guest': requestsByPersonAndGuest,
  '010_what_the_bot_gave': whatTheBotGave,
  '011_extension_stages': extensionStages,
  '012_withdrawn_invitations': withdrawnInvitations,
  '013_sponsors_who_leave': sponsorsWhoLeave,
  '014_inactive_guests': inactiveGuests,
  '015_several_guests': severalGuests,
  '016_changes_by_state_and_time': changesByStateAndTime,
};

/** Every migration, in order; exported so a test can stop at an older schema and bring data across. */
export const migrationProvider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Kysely<Schema>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${cause}. Check DATABASE_URL and that the database user may create tables.`);
  }
}
