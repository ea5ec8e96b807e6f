import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT as projectRoot } from '../../src/projectRoot';

interface DirectoryUser {
  id: string;
  displayName: string;
  mail: string;
  userPrincipalName: string;
  userType: string;
  managerId?: string;
  preferredLanguage?: string;
}

interface Directory {
  tenant: { id: string };
  defaultUserId: string;
  users: DirectoryUser[];
}

interface PlaygroundConfig {
  top: Record<string, string>;
  currentUser: Record<string, string>;
  users: Record<string, string>[];
}

/**
 * Reads the flat `key: value` shape of .m365agentsplayground.yml. The project has no YAML parser
 * of its own, and this file's layout is fixed by the Playground's schema.
 */
function readPlaygroundConfig(text: string): PlaygroundConfig {
  const config: PlaygroundConfig = { top: {}, currentUser: {}, users: [] };
  let section = '';
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const topLevel = /^(\w+):\s*(.*)$/.exec(line);
    const listItem = /^\s+-\s+(\w+):\s*(.+)$/.exec(line);
    const nested = /^\s+(\w+):\s*(.+)$/.exec(line);
    const unquote = (value: string): string => value.trim().replace(/^"(.*)"$/, '$1');
    if (topLevel) {
      section = topLevel[1];
      if (topLevel[2] !== '') config.top[section] = unquote(topLevel[2]);
    } else if (section === 'users' && listItem) {
      config.users.push({ [listItem[1]]: unquote(listItem[2]) });
    } else if (section === 'users' && nested) {
      config.users[config.users.length - 1][nested[1]] = unquote(nested[2]);
    } else if (section === 'currentUser' && nested) {
      config.currentUser[nested[1]] = unquote(nested[2]);
    }
  }
  return config;
}

describe('Agents Playground configuration', () => {
  const config = readPlaygroundConfig(readFileSync(join(projectRoot, '.m365agentsplayground.yml'), 'utf8'));
  const directory = JSON.parse(readFileSync(join(projectRoot, 'src', 'samples', 'directory.json'), 'utf8')) as Directory;
  const member = (aadObjectId: string): DirectoryUser | undefined => directory.users.find((user) => user.id === aadObjectId && user.userType === 'Member');

  it('is the simulated directory tenant', () => {
    assert.equal(config.top.tenantId, directory.tenant.id);
  });

  it('signs in as the directory default user, Adele Vance, with her manager among the users', () => {
    assert.equal(config.currentUser.aadObjectId, directory.defaultUserId);
    assert.equal(config.currentUser.name, 'Adele Vance');
    const managerId = member(directory.defaultUserId)?.managerId;
    assert.ok(config.users.some((user) => user.aadObjectId === managerId && user.name === 'Megan Bowen'));
  });

  it('includes a Spanish-speaking member', () => {
    assert.ok(config.users.some((user) => member(user.aadObjectId)?.preferredLanguage?.startsWith('es')));
  });

  it('describes every user exactly as the directory does', () => {
    const all = [config.currentUser, ...config.users];
    assert.equal(config.users.length, 5, 'the Playground requires exactly 5 users besides the current user');
    for (const user of all) {
      const entry = member(user.aadObjectId);
      assert.ok(entry, `${user.name} (${user.aadObjectId}) is not a member of the directory`);
      assert.deepEqual(
        { name: user.name, upn: user.userPrincipleName, email: user.email },
        { name: entry.displayName, upn: entry.userPrincipalName, email: entry.mail },
      );
    }
    assert.equal(new Set(all.map((user) => user.id)).size, all.length, 'user ids must be unique');
  });
});
