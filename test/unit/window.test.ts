import { describe, expect, it } from 'vitest';
import { parsePolicies } from '../../src/policy/load';
import {
  DAYS,
  isTimeZone,
  localIso,
  previousClose,
  type WindowSpec,
  wallTime,
  windowAt,
} from '../../src/policy/window';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

function state(spec: WindowSpec, now: string): Record<string, string | boolean> {
  const s = windowAt(spec, at(now));
  return Object.fromEntries(
    Object.entries(s).map(([k, v]) => [k, typeof v === 'number' ? iso(v) : v]),
  );
}

const berlin: WindowSpec = {
  timezone: 'Europe/Berlin',
  days: ['sat', 'sun'],
  start: '02:00',
  end: '05:00',
  cutoffMinutes: 20,
};

describe('a weekly window in a time zone', () => {
  it('is open from start to end local time on the days it starts, with the cutoff before the end', () => {
    // Saturday 02:30 CET.
    expect(state(berlin, '2026-03-07T01:30:00Z')).toEqual({
      open: true,
      opensAt: '2026-03-07T01:00:00Z',
      closesAt: '2026-03-07T04:00:00Z',
      cutoffAt: '2026-03-07T03:40:00Z',
    });
  });

  it('is closed on other days and at the end itself, and names the next opening', () => {
    expect(state(berlin, '2026-03-06T12:00:00Z')).toEqual({
      open: false,
      nextOpensAt: '2026-03-07T01:00:00Z',
      nextClosesAt: '2026-03-07T04:00:00Z',
    });
    expect(state(berlin, '2026-03-07T04:00:00Z')).toMatchObject({
      open: false,
      nextOpensAt: '2026-03-08T01:00:00Z',
    });
    // Sunday 05:00 CET: next Saturday.
    expect(state(berlin, '2026-03-08T04:00:00Z')).toMatchObject({
      nextOpensAt: '2026-03-14T01:00:00Z',
    });
  });

  it('wraps past midnight when the end is before the start, belonging to the day it starts', () => {
    const friNight: WindowSpec = { ...berlin, days: ['fri'], start: '22:00', end: '02:00' };
    // Saturday 01:00 CET is still Friday's window.
    expect(state(friNight, '2026-03-07T00:00:00Z')).toEqual({
      open: true,
      opensAt: '2026-03-06T21:00:00Z',
      closesAt: '2026-03-07T01:00:00Z',
      cutoffAt: '2026-03-07T00:40:00Z',
    });
    // Saturday 23:00 CET: Saturday starts no window.
    expect(state(friNight, '2026-03-07T22:00:00Z')).toMatchObject({
      open: false,
      nextOpensAt: '2026-03-13T21:00:00Z',
    });
  });

  it('on the day clocks spring forward, a start inside the gap opens at the first instant after it', () => {
    // Europe/Berlin skips 02:00-03:00 on 2026-03-29.
    expect(state({ ...berlin, days: ['sun'] }, '2026-03-29T01:30:00Z')).toEqual({
      open: true,
      opensAt: '2026-03-29T01:00:00Z', // 03:00 CEST
      closesAt: '2026-03-29T03:00:00Z', // 05:00 CEST: two hours, not three
      cutoffAt: '2026-03-29T02:40:00Z',
    });
    expect(
      state({ ...berlin, days: ['sun'], start: '02:30' }, '2026-03-29T01:30:00Z'),
    ).toMatchObject(
      { opensAt: '2026-03-29T01:30:00Z' }, // 03:30 CEST
    );
  });

  it('on the day clocks fall back, a repeated time means its first occurrence', () => {
    // Europe/Berlin repeats 02:00-03:00 on 2026-10-25.
    expect(state({ ...berlin, days: ['sun'], start: '02:30' }, '2026-10-25T00:45:00Z')).toEqual({
      open: true,
      opensAt: '2026-10-25T00:30:00Z', // the first 02:30, CEST
      closesAt: '2026-10-25T04:00:00Z', // 05:00 CET: three and a half hours
      cutoffAt: '2026-10-25T03:40:00Z',
    });
  });

  it('works in a zone with a half-hour offset', () => {
    const kolkata: WindowSpec = { ...berlin, timezone: 'Asia/Kolkata', days: ['sat'] };
    // Saturday 02:30 IST (+05:30).
    expect(state(kolkata, '2026-03-06T21:00:00Z')).toEqual({
      open: true,
      opensAt: '2026-03-06T20:30:00Z',
      closesAt: '2026-03-06T23:30:00Z',
      cutoffAt: '2026-03-06T23:10:00Z',
    });
  });

  it('works in a half-hour zone on its DST change day', () => {
    // Australia/Adelaide falls back from +10:30 to +09:30 at 03:00 on 2026-04-05.
    const adelaide: WindowSpec = { ...berlin, timezone: 'Australia/Adelaide', days: ['sun'] };
    expect(state(adelaide, '2026-04-04T16:00:00Z')).toEqual({
      open: true,
      opensAt: '2026-04-04T15:30:00Z', // 02:00 ACDT
      closesAt: '2026-04-04T19:30:00Z', // 05:00 ACST: four hours
      cutoffAt: '2026-04-04T19:10:00Z',
    });
  });
});

describe('time zone names', () => {
  it('accepts IANA names the platform knows and refuses anything else', () => {
    for (const tz of ['Europe/Berlin', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires', 'UTC']) {
      expect(isTimeZone(tz), tz).toBe(true);
    }
    for (const tz of ['Mars/Olympus', 'Europe/Berlin ', '', '+01:00', 'CET;rm']) {
      expect(isTimeZone(tz), tz).toBe(false);
    }
  });
});

describe('a window whose end is before its start', () => {
  const load = (w: string) =>
    parsePolicies(
      `version: 1\npolicies:\n  r:\n    action: restart\n    select: { tags: { env: staging } }\n    window: ${w}\n`,
    ).get('r')?.window;

  it('is refused when it would last more than 12 hours, giving both readings', () => {
    expect(() => load('{ timezone: Europe/Berlin, start: "05:00", end: "02:00" }')).toThrow(
      /policies\.r\.window\.end: "05:00" to "02:00" the next day is 21 h; did you mean "02:00" to "05:00" \(3 h\)\?/,
    );
  });

  it('is kept with wrap: true, and a short one past midnight needs nothing', () => {
    expect(load('{ timezone: UTC, start: "05:00", end: "02:00", wrap: true }')).toMatchObject({
      start: '05:00',
      end: '02:00',
    });
    expect(load('{ timezone: UTC, start: "23:00", end: "01:00" }')).toMatchObject({
      start: '23:00',
      end: '01:00',
    });
  });
});

describe("an instant in the window's own zone", () => {
  it('carries the offset of that day: CET, CEST, and +05:30', () => {
    expect(localIso(at('2026-12-12T01:00:00Z'), 'Europe/Berlin')).toBe('2026-12-12T02:00:00+01:00');
    expect(localIso(at('2026-07-11T00:00:00Z'), 'Europe/Berlin')).toBe('2026-07-11T02:00:00+02:00');
    expect(localIso(at('2026-12-12T01:00:00Z'), 'Asia/Kolkata')).toBe('2026-12-12T06:30:00+05:30');
    expect(localIso(at('2026-12-12T01:00:00Z'), 'America/St_Johns')).toBe(
      '2026-12-11T21:30:00-03:30',
    );
  });

  it('reads as its weekday and wall time, either side of a change and across midnight', () => {
    // Berlin springs forward on Sunday 29 March 2026: 01:59 CET, then 03:00 CEST.
    expect(wallTime(at('2026-03-29T00:59:00Z'), 'Europe/Berlin')).toBe('Sun 2026-03-29 01:59');
    expect(wallTime(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('Sun 2026-03-29 03:00');
    expect(wallTime(at('2026-12-12T19:00:00Z'), 'Asia/Kolkata')).toBe('Sun 2026-12-13 00:30');
    expect(wallTime(at('2026-12-12T01:00:00Z'), 'America/St_Johns')).toBe('Fri 2026-12-11 21:30');
  });
});

describe('when the window last closed', () => {
  it('is the latest close before an opening, by the window as it reads now', () => {
    // Saturday's window opens after Sunday's of the week before closed.
    expect(iso(previousClose(berlin, at('2026-03-07T01:00:00Z')) ?? 0)).toBe(
      '2026-03-01T04:00:00Z',
    );
    expect(iso(previousClose(berlin, at('2026-03-08T01:00:00Z')) ?? 0)).toBe(
      '2026-03-07T04:00:00Z',
    );
    // Moved to open at 04:00: this Saturday's earlier hours still count as this window's.
    const later = { ...berlin, start: '04:00' };
    expect(iso(previousClose(later, at('2026-03-07T03:00:00Z')) ?? 0)).toBe('2026-03-01T04:00:00Z');
    // Wrapping past midnight, every day: the close of the night before.
    const nightly = { ...berlin, days: [...DAYS], start: '23:00', end: '01:00', cutoffMinutes: 0 };
    expect(iso(previousClose(nightly, at('2026-03-07T22:00:00Z')) ?? 0)).toBe(
      '2026-03-07T00:00:00Z',
    );
  });
});
