import { describe, expect, it } from 'vitest';
import { inBoth, timerFit } from '../../cli/deploy/fit';
import { timerWindowCheck } from '../../cli/deploy/window-check';
import { parsePolicies } from '../../src/policy/load';
import { type WindowSpec, windowOccurrences } from '../../src/policy/window';

const berlin: WindowSpec = {
  timezone: 'Europe/Berlin',
  days: ['sat'],
  start: '02:00',
  end: '05:00',
  cutoffMinutes: 20,
};

describe('a timer held against a window', () => {
  it('follows Berlin into summer time: 11:30 in Shanghai is 04:30 CET, inside, then 05:30 CEST, outside', () => {
    const fit = timerFit(
      berlin,
      '0 30 11 ? * SAT',
      'Asia/Shanghai',
      Date.parse('2026-03-10T00:00:00Z'),
    );
    // Saturdays 14, 21 and 28 March are before the change (Sunday 29 March); the five after are not served.
    expect(fit).toMatchObject({ inside: 3, served: 3, occurrences: 8, fewestInside: 1 });
    expect(inBoth(fit.next[0] as number, 'Asia/Shanghai', 'Europe/Berlin')).toBe(
      'Sat 2026-03-14 11:30 Asia/Shanghai = Sat 2026-03-14 04:30 Europe/Berlin',
    );
  });

  it('and back in October: 10:30 in Shanghai is inside before the cutoff in summer, 03:30 CET after', () => {
    const fit = timerFit(
      berlin,
      '0 30 10 ? * SAT',
      'Asia/Shanghai',
      Date.parse('2026-10-01T00:00:00Z'),
    );
    expect(fit.inside).toBe(8);
    const late = timerFit(
      berlin,
      '0 45 10 ? * SAT',
      'Asia/Shanghai',
      Date.parse('2026-10-01T00:00:00Z'),
    );
    // 10:45 Shanghai is 04:45 CEST (past the 04:40 cutoff) on the four Saturdays before
    // Sunday 25 October, then 03:45 CET on the four after.
    expect(late).toMatchObject({ inside: 4, occurrences: 8 });
  });

  it('in a +05:30 zone: a Kolkata window against a UTC timer', () => {
    const kolkata: WindowSpec = {
      ...berlin,
      timezone: 'Asia/Kolkata',
      days: ['sun'],
      start: '01:00',
      end: '02:00',
      cutoffMinutes: 0,
    };
    // 19:45 UTC on Saturday is 01:15 IST on Sunday.
    expect(
      timerFit(kolkata, '0 45 19 ? * SAT', 'UTC', Date.parse('2026-12-01T00:00:00Z')).inside,
    ).toBe(8);
    expect(
      timerFit(kolkata, '0 45 20 ? * SAT', 'UTC', Date.parse('2026-12-01T00:00:00Z')).inside,
    ).toBe(0);
  });

  it('counts a window open now among the occurrences', () => {
    const open = windowOccurrences(
      berlin,
      Date.parse('2026-12-12T02:00:00Z'),
      Date.parse('2026-12-20T00:00:00Z'),
    );
    expect(open.map((o) => new Date(o.opensAt).toISOString())).toEqual([
      '2026-12-12T01:00:00.000Z',
      '2026-12-19T01:00:00.000Z',
    ]);
  });
});

describe('a timer whose firings cannot be worked out', () => {
  // cron-parser gives up ("loop limit exceeded") on Lord Howe Island's half-hour change in April.
  const zone = 'Australia/Lord_Howe';
  const from = Date.parse('2026-03-20T00:00:00Z');

  it('is held as far as its firings go, and says where they stopped, never throwing', () => {
    const fit = timerFit({ ...berlin, timezone: zone }, '0 0 2 * * *', zone, from);
    expect(fit.cutShort?.why).toMatch(/loop limit/);
    expect(fit.cutShort?.after).toBeGreaterThan(from);
  });

  it('is a warning that names the zone and the timer in validate --deploy, never an error', () => {
    const policy = [
      ...parsePolicies(`version: 1
policies:
  p:
    action: restart
    select: { tags: { env: staging } }
    window: { timezone: ${zone}, days: [sun], start: "01:00", end: "05:00", cutoffMinutes: 20 }
`).values(),
    ][0];
    if (!policy) throw new Error('no policy');
    const r = timerWindowCheck({
      at: 'main.tf.json: t',
      policy,
      cron: '0 0 2 * * *',
      zone,
      timeoutS: 900,
      now: from,
    });
    expect(r.issue).toBeUndefined();
    expect(r.warning).toMatch(
      /firings of "0 0 2 \* \* \*" in Australia\/Lord_Howe could not be worked out past .*loop limit/,
    );
  });
});
