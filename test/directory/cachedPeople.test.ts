/**
 * The request dialog's look-ups of the requester and their manager, kept a few minutes: asked of
 * the directory once within the time, again after it, never kept when nobody was found or the
 * directory failed, and no more people kept than the bound.
 */
import assert from 'node:assert/strict';
import { PEOPLE_CACHE_MS, withCachedPeople } from '../../src/directory/cachedPeople';
import { type Directory, DirectoryError, type DirectoryUser } from '../../src/directory/directory';

function person(id: string): DirectoryUser {
  return { id, displayName: `Person ${id}`, userPrincipalName: `${id}@contoso.com`, userType: 'Member' };
}

/** A directory that counts what it is asked; `people` and `managers` say what it answers. */
function countingDirectory(people: Map<string, DirectoryUser>, managers: Map<string, DirectoryUser>) {
  const asked = { getUser: 0, getManager: 0, findUserByAddress: 0 };
  let failNext = false;
  const directory = {
    getUser: async (id: string) => {
      asked.getUser += 1;
      if (failNext) {
        failNext = false;
        throw new DirectoryError('Graph is busy', { status: 503, code: 'serviceUnavailable', transient: true });
      }
      return people.get(id);
    },
    getManager: async (id: string) => {
      asked.getManager += 1;
      return managers.get(id);
    },
    findUserByAddress: async (address: string) => {
      asked.findUserByAddress += 1;
      return [...people.values()].find((p) => p.userPrincipalName === address);
    },
  } as unknown as Directory;
  return { directory, asked, failOnce: () => (failNext = true) };
}

describe('the people the request dialog looks up, kept a few minutes', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  it('asks for the requester and their manager once within the time, and again once it has passed', async () => {
    const { directory, asked } = countingDirectory(new Map([['adele', person('adele')]]), new Map([['adele', person('megan')]]));
    const cached = withCachedPeople(directory, { now: clock });
    assert.equal((await cached.getUser('adele'))?.id, 'adele');
    assert.equal((await cached.getManager('adele'))?.id, 'megan');
    now += PEOPLE_CACHE_MS - 1;
    assert.equal((await cached.getUser('adele'))?.id, 'adele');
    assert.equal((await cached.getManager('adele'))?.id, 'megan');
    assert.deepEqual(asked, { getUser: 1, getManager: 1, findUserByAddress: 0 });
    now += 2;
    await cached.getUser('adele');
    await cached.getManager('adele');
    assert.deepEqual(asked, { getUser: 2, getManager: 2, findUserByAddress: 0 }, 'a change in Entra is seen once the time has passed');
  });

  it('keeps "no manager" as an answer, but never "nobody found" nor a failure', async () => {
    const people = new Map<string, DirectoryUser>();
    const { directory, asked, failOnce } = countingDirectory(people, new Map());
    const cached = withCachedPeople(directory, { now: clock });
    assert.equal(await cached.getUser('new'), undefined);
    people.set('new', person('new'));
    assert.equal((await cached.getUser('new'))?.id, 'new', 'someone just added is found at once');
    failOnce();
    await assert.rejects(cached.getUser('other'), DirectoryError);
    people.set('other', person('other'));
    assert.equal((await cached.getUser('other'))?.id, 'other', 'a failure is asked again');
    assert.equal(await cached.getManager('new'), undefined);
    assert.equal(await cached.getManager('new'), undefined);
    assert.equal(asked.getManager, 1);
  });

  it('keeps no more people than its bound, and passes every other look-up through', async () => {
    const people = new Map(['a', 'b', 'c'].map((id) => [id, person(id)]));
    const { directory, asked } = countingDirectory(people, new Map());
    const cached = withCachedPeople(directory, { now: clock, max: 2 });
    for (const id of ['a', 'b', 'c', 'c', 'b']) await cached.getUser(id);
    assert.equal(asked.getUser, 3);
    await cached.getUser('a');
    assert.equal(asked.getUser, 4, 'the least recently used was let go');
    assert.equal((await cached.findUserByAddress('a@contoso.com'))?.id, 'a');
    assert.equal((await cached.findUserByAddress('a@contoso.com'))?.id, 'a');
    assert.equal(asked.findUserByAddress, 2, 'an address is always asked anew');
  });
});
