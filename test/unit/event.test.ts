import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/errors';
import { parseEvent } from '../../src/invocation/event';

const timer = (user_event: unknown) => ({
  version: 'v2.0',
  time: '2026-11-29T02:00:00+08:00',
  trigger_type: 'TIMER',
  trigger_name: 'weekly',
  user_event,
});

const scheduled = (detail: unknown) => ({
  version: '0',
  id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-29T02:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/weekly'],
  detail,
});

/** The issues of the ConfigError the event is refused with. */
function refusal(event: unknown): ConfigIssue[] {
  try {
    parseEvent(event);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
  throw new Error('the event was accepted');
}

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
    expect(() => parseEvent(scheduled({ policy: 7 }))).toThrow(/event\.detail\.policy/);
    expect(() => parseEvent({ policy: ' ' })).toThrow(/event\.policy: must be a non-empty string/);
  });
});

describe('strict events', () => {
  it('refuses a misspelt dryRun in a direct event instead of running live', () => {
    const paths = {
      dryrun: 'event.dryrun',
      dry_run: 'event.dry_run',
      DryRun: 'event.DryRun',
      'dry-run': 'event.dry-run',
      'dryRun ': 'event["dryRun "]',
      dyrRun: 'event.dyrRun',
    };
    for (const [key, path] of Object.entries(paths)) {
      expect(refusal({ policy: 'r', [key]: true })).toEqual([
        { path, message: 'unknown key; did you mean dryRun?' },
      ]);
    }
  });

  it('refuses a misspelt dryRun in a timer user_event, naming the path', () => {
    expect(refusal(timer('{"policy":"r","dry_run":true}'))).toEqual([
      { path: 'event.user_event.dry_run', message: 'unknown key; did you mean dryRun?' },
    ]);
  });

  it('refuses a misspelt dryRun in an EventBridge detail, naming the path', () => {
    expect(refusal(scheduled({ policy: 'r', DryRun: true }))).toEqual([
      { path: 'event.detail.DryRun', message: 'unknown key; did you mean dryRun?' },
    ]);
  });

  it('refuses a policy-name string event that is JSON with an unknown key', () => {
    expect(refusal('{"policy":"r","dryrun":true}')).toEqual([
      { path: 'event.dryrun', message: 'unknown key; did you mean dryRun?' },
    ]);
  });

  it('names every unknown key at once, with a hint where one helps', () => {
    expect(refusal({ Policy: 'r', dryrun: true, force: true, detail: {} })).toEqual([
      { path: 'event.Policy', message: 'unknown key; did you mean policy?' },
      { path: 'event.dryrun', message: 'unknown key; did you mean dryRun?' },
      { path: 'event.force', message: 'unknown key' },
      {
        path: 'event.detail',
        message: 'unknown key; an EventBridge event is recognised by its detail-type and source',
      },
    ]);
  });

  it('names bad values and unknown keys together', () => {
    expect(refusal(timer('{"policy":7,"dryRun":false,"dry":true}'))).toEqual([
      { path: 'event.user_event.policy', message: 'must be a non-empty string' },
      {
        path: 'event.user_event.dryRun',
        message: 'an event can only turn dry-run on (true); turn it off in the policy file',
      },
      { path: 'event.user_event.dry', message: 'unknown key; did you mean dryRun?' },
    ]);
  });

  it('caps the list of unknown keys of a huge event', () => {
    const event = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    const issues = refusal(event);
    expect(issues).toHaveLength(21);
    expect(issues.at(-1)).toEqual({ path: 'event', message: 'and 4980 more problems' });
  });

  it('lets the timer and EventBridge envelopes carry fields the platform adds', () => {
    expect(
      parseEvent({ ...timer('{"policy":"r","dryRun":true}'), trigger_id: 't-1', extra: {} }),
    ).toEqual({ policy: 'r', dryRun: true });
    expect(parseEvent({ ...scheduled({ policy: 'r' }), 'replay-name': 'x' })).toEqual({
      policy: 'r',
      dryRun: undefined,
    });
  });

  it('refuses a request key on an envelope, where nothing would read it', () => {
    expect(refusal({ ...timer('r'), dryRun: true })).toEqual([
      {
        path: 'event.dryRun',
        message:
          'not read here: a FunctionGraph TIMER event carries the request in user_event; put dryRun there',
      },
    ]);
    expect(refusal({ ...scheduled({}), policy: 'r', dry_run: true })).toEqual([
      {
        path: 'event.policy',
        message:
          'not read here: an EventBridge event carries the request in detail; put policy there',
      },
      {
        path: 'event.dry_run',
        message:
          'not read here: an EventBridge event carries the request in detail; put dryRun there',
      },
    ]);
  });

  it('refuses an EventBridge detail that is not an object', () => {
    expect(refusal(scheduled('r'))).toEqual([
      { path: 'event.detail', message: 'must be an object: {"policy": "...", "dryRun": true}' },
    ]);
  });
});
