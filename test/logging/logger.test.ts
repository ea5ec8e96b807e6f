/**
 * The logger as the bot uses it, writing JSON lines: what an operator reading them sees.
 */
import assert from 'node:assert/strict';
import { createLogger } from '../../src/logging/logger';

function capture(level: string) {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('logger', () => {
  it('masks addresses in fields and error messages at info and above, and writes valid JSON', () => {
    const { logger, parsed } = capture('info');
    logger.info({ guest: 'kim.lee@fabrikam.com' }, 'inviting kim.lee@fabrikam.com');
    logger.error({ err: new Error('Graph refused kim.lee@fabrikam.com: already a member') }, 'job failed for good');
    const [info, error] = parsed();
    assert.equal(info.guest, 'k***@fabrikam.com');
    assert.equal(info.msg, 'inviting k***@fabrikam.com');
    assert.equal((error.err as { message: string }).message, 'Graph refused k***@fabrikam.com: already a member');
    assert.doesNotMatch(JSON.stringify(parsed()), /kim\.lee@/);
  });

  it('keeps addresses at debug, for tracing one request, but never a redeem link or a token', () => {
    const { logger, parsed } = capture('debug');
    logger.debug({ path: '/simulator/redeem/inv-1', authorization: 'Bearer eyJa.eyJb.c' }, 'kim.lee@fabrikam.com opened the redeem page');
    const [line] = parsed();
    assert.equal(line.msg, 'kim.lee@fabrikam.com opened the redeem page');
    assert.equal(line.path, '[redeem link]');
    assert.equal(line.authorization, 'Bearer [token]');
  });

  it('still removes values whose key says they are secret', () => {
    const { logger, parsed } = capture('info');
    logger.info({ credentials: { secret: 'plain-words-secret', password: 'pw' } }, 'configured');
    assert.doesNotMatch(JSON.stringify(parsed()), /plain-words-secret|"pw"/);
  });
});
