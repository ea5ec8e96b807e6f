/**
 * Runs an operator's psql script (infra/database/*.sql) through node-postgres the way
 * `psql -v name=value -f file` would, so tests run the very file the deployment guide hands out:
 * `:'name'` becomes a quoted literal, `:"name"` a quoted identifier, a statement ends with `;` at
 * the end of a line, and a query ending in `\gexec` has every value of its result run as a statement.
 */
import { readFileSync } from 'node:fs';
import type { Client } from 'pg';

export async function runPsqlScript(client: Client, file: string, variables: Record<string, string>): Promise<void> {
  const valueOf = (name: string): string => {
    const value = variables[name];
    if (value === undefined) throw new Error(`${file} uses the psql variable ${name}, which the test does not give`);
    return value;
  };
  const substituted = (text: string): string =>
    text
      .replace(/:'(\w+)'/g, (_, name: string) => client.escapeLiteral(valueOf(name)))
      .replace(/:"(\w+)"/g, (_, name: string) => client.escapeIdentifier(valueOf(name)));

  let statement = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim().startsWith('--') || line.trim() === '') continue;
    statement += `${line}\n`;
    if (line.trimEnd().endsWith('\\gexec')) {
      const query = substituted(statement.trimEnd().slice(0, -'\\gexec'.length));
      const { rows } = await client.query<Record<string, string>>(query);
      for (const row of rows) for (const generated of Object.values(row)) await client.query(generated);
      statement = '';
    } else if (line.trimEnd().endsWith(';')) {
      await client.query(substituted(statement));
      statement = '';
    }
  }
  if (statement.trim() !== '') throw new Error(`${file} ends with an unfinished statement`);
}
