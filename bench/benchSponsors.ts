/**
 * The sponsors of a load run: one a requester, as in an organization where requests come from
 * many teams. Teams lets a bot write about one message a second into one conversation (60 in
 * 30 s), so a run whose every card went to one sponsor would measure that limit, not the bot: at
 * three messages a request in the sponsor's chat, about 40 requests a minute.
 */
import sampleDirectory from '../src/samples/directory.json';
import { parseSimulatorSeed, type SimulatorSeed } from '../src/simulator/simulatorSeed';
import type { TeamsUser } from '../test/support/fakeTeamsChannel';

/** As many as the most requesters a run has. */
export const BENCH_SPONSORS = 96;

/** The sponsor of requester `n`: a member of the simulated Contoso, with an object id of their own. */
export function benchSponsor(n: number): TeamsUser & { mail: string } {
  const number = String((n % BENCH_SPONSORS) + 1).padStart(12, '0');
  return {
    id: `29:bench-sponsor-${number}`,
    aadObjectId: `b0000000-5900-4000-8000-${number}`,
    name: `Bench Sponsor ${number}`,
    locale: 'en-US',
    mail: `bench.sponsor.${number}@contoso.com`,
  };
}

/** The sample directory with the bench's sponsors added. */
export function benchDirectory(): SimulatorSeed {
  const sponsors = Array.from({ length: BENCH_SPONSORS }, (_, n) => {
    const sponsor = benchSponsor(n);
    return {
      id: sponsor.aadObjectId as string,
      displayName: sponsor.name,
      mail: sponsor.mail,
      userPrincipalName: sponsor.mail,
      userType: 'Member',
      preferredLanguage: 'en-US',
    };
  });
  return parseSimulatorSeed({ ...sampleDirectory, users: [...sampleDirectory.users, ...sponsors] }, 'the sample directory and the bench sponsors');
}
