/**
 * Kysely builds a query's tree and compiles it to SQL on every call: about a tenth of a
 * millisecond, which the hottest queries (every turn's dialog state, every job's claim, every
 * job's request) pay dozens of times a request. A PreparedQuery is built and compiled once, with
 * a marker in place of each argument, and then run as that SQL with each call's arguments where
 * the markers were (an argument may appear more than once). Only for queries whose SQL does not
 * depend on their arguments (no lists of varying length, no `is null` chosen by a value).
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult, type Transaction } from 'kysely';

type Executor<DB> = Kysely<DB> | Transaction<DB>;

export class PreparedQuery<DB, Args extends readonly unknown[], Row> {
  private readonly sql: string;
  /** For each parameter of the SQL: which argument it takes, or the constant the builder put there. */
  private readonly slots: ReadonlyArray<{ argument: number } | { constant: unknown }>;

  constructor(db: Kysely<DB>, arity: Args['length'], build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>) {
    const markers = Array.from({ length: arity }, (_, i) => `\u0000argument ${i}\u0000`);
    const compiled = build(db, ...(markers as unknown as Args)).compile();
    this.sql = compiled.sql;
    this.slots = compiled.parameters.map((parameter) => {
      const argument = markers.indexOf(parameter as string);
      return argument >= 0 ? { argument } : { constant: parameter };
    });
    const used = new Set(this.slots.flatMap((slot) => ('argument' in slot ? [slot.argument] : [])));
    for (let i = 0; i < arity; i++) {
      if (!used.has(i)) throw new Error(`PreparedQuery: argument ${i} is not a value anywhere in the query (${this.sql})`);
    }
  }

  execute(executor: Executor<DB>, ...args: Args): Promise<QueryResult<Row>> {
    const parameters = this.slots.map((slot) => ('argument' in slot ? args[slot.argument] : slot.constant));
    return executor.executeQuery(CompiledQuery.raw(this.sql, parameters) as CompiledQuery<Row>);
  }
}
