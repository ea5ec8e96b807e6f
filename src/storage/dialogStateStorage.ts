/**
 * botbuilder's Storage on the project's database, so dialog state survives restarts and is
 * shared by every instance. eTags give optimistic concurrency as MemoryStorage does: a write
 * with a stale eTag fails instead of overwriting a newer turn's state.
 */
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { Clock } from './jobQueue';
import { PreparedQuery } from './preparedQuery';
import type { DialogStateTable, Schema } from './schema';

export class DialogStateStorage implements Storage {
  /** Every turn reads one conversation's state and most write it: prepared once (see PreparedQuery). */
  private readonly readOne: PreparedQuery<Schema, [string], DialogStateTable>;
  private readonly upsert: PreparedQuery<Schema, [string, string, string, string], unknown>;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = () => new Date(),
  ) {
    this.readOne = new PreparedQuery(db, 1, (q, key: string) => q.selectFrom('dialog_state').selectAll().where('key', '=', key));
    this.upsert = new PreparedQuery(db, 4, (q, key: string, data: string, etag: string, at: string) =>
      q
        .insertInto('dialog_state')
        .values({ key, data, etag, updated_at: at })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({ data: eb.ref('excluded.data'), etag: eb.ref('excluded.etag'), updated_at: eb.ref('excluded.updated_at') })),
        ),
    );
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows =
      keys.length === 1
        ? (await this.readOne.execute(this.db, keys[0])).rows
        : await this.db.selectFrom('dialog_state').selectAll().where('key', 'in', keys).execute();
    const items: StoreItems = {};
    for (const row of rows) items[row.key] = { ...(JSON.parse(row.data) as object), eTag: row.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...data } = (item ?? {}) as { eTag?: string } & Record<string, unknown>;
      const next = { data: JSON.stringify(data), etag: randomUUID(), updated_at: this.clock().toISOString() };
      if (!eTag || eTag === '*') {
        await this.upsert.execute(this.db, key, next.data, next.etag, next.updated_at);
        continue;
      }
      const updated = await this.db.updateTable('dialog_state').set(next).where('key', '=', key).where('etag', '=', eTag).executeTakeFirst();
      if (updated.numUpdatedRows > 0n) continue;
      // No row with that eTag: either it was deleted (write it afresh) or another turn won.
      const inserted = await this.db
        .insertInto('dialog_state')
        .values({ key, ...next })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) {
        throw new Error(`Storage: eTag conflict on "${key}"; another turn of this conversation saved first.`);
      }
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.deleteFrom('dialog_state').where('key', 'in', keys).execute();
  }
}
