import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { parseEvent } from '../../src/event';

const timer = (user_event: unknown) => ({
  version: 'v2.0',
  time: '2026-11-29T02:00:00+08:00',
  trigger_type: 'TIMER',
  trigger_name: 'weekly',
  user_event,
});

describe('event forms', () => {
  it('reads a FunctionGraph timer whose user_event is a policy name', () => {
    expect(parseEvent(timer(' weekly-staging-restart '))).toEqual({
      policy: 'weekly-staging-restart',
      dryRun: undefined,
    });
  });

  it('reads a FunctionGraph timer whose user_event is JSON with dryRun', () => {
    expect(parseEvent(timer('{"policy":"nightly","dryRun":true}'))).toEqual({
      policy: 'nightly',
      dryRun: true,
    });
  });

  it('refuses an event that tries to turn dry-run off', () => {
    expect(() => parseEvent(timer('{"policy":"nightly","dryRun":false}'))).toThrow(
      /event\.user_event\.dryRun/,
    );
    expect(() => parseEvent({ policy: 'nightly', dryRun: 'false' })).toThrow(ConfigError);
  });

  it('refuses a user_event that looks like JSON but is not', () => {
    expect(() => parseEvent(timer('{"policy":'))).toThrow(/event\.user_event: starts with \{/);
  });

  it('reads the EventBridge constant input, detail.policy and a direct call', () => {
    expect(parseEvent({ policy: 'a' }).policy).toBe('a');
    expect(
      parseEvent({
        version: '0',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        detail: { policy: 'b' },
      }).policy,
    ).toBe('b');
    expect(parseEvent({ 'detail-type': 'Scheduled Event', detail: {} }).policy).toBeUndefined();
  });

  it('names no policy for empty events', () => {
    for (const e of [undefined, null, '', {}, timer(''), timer(null)]) {
      expect(parseEvent(e).policy).toBeUndefined();
    }
  });

  it('refuses a non-string policy name with its path', () => {
    expect(() => parseEvent({ detail: { policy: 7 } })).toThrow(/event\.detail\.policy/);
  });
});
