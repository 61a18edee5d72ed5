import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The bundle's stand-ins (scripts/stubs/) against the real packages, which
// stay installed as the SDK core's own dependencies.
const require = createRequire(join(process.cwd(), 'test/unit/stubs.test.ts'));
type Moment = (d?: unknown) => { utcOffset(n: number): { format(f: string): string } };
const realMoment = require('moment') as Moment;
const stubMoment = require('../../scripts/stubs/moment.cjs') as Moment;
type Lodash = {
  sortBy<T>(list: T[], key: (x: T) => unknown): T[];
  includes(c: unknown, v: unknown): boolean;
  filter<T>(c: T[], p: (x: T) => boolean): T[];
};
const realLodash = require('lodash') as Lodash;
const stubLodash = require('../../scripts/stubs/lodash.cjs') as Lodash;

describe('bundle stand-ins', () => {
  it("moment: the signer's X-Sdk-Date format, as moment writes it", () => {
    const fmt = 'YYYYMMDDTHHmmss';
    for (const at of [0, 1_700_000_000_123, Date.UTC(2026, 1, 28, 23, 59, 59), Date.now()]) {
      const d = new Date(at);
      expect(stubMoment(d).utcOffset(0).format(fmt)).toBe(realMoment(d).utcOffset(0).format(fmt));
    }
    expect(stubMoment().utcOffset(0).format(fmt)).toMatch(/^\d{8}T\d{6}$/);
    expect(() => stubMoment().utcOffset(0).format('YYYY-MM-DD')).toThrow(/unsupported format/);
  });

  it('lodash: sortBy (stable, by key), includes and filter as lodash does them', () => {
    const headers = ['X-Sdk-Date', 'host', 'Content-Type', 'X-Project-Id', 'content-type', 'a'];
    const key = (x: string) => x.toLocaleLowerCase();
    expect(stubLodash.sortBy(headers, key)).toEqual(realLodash.sortBy(headers, key));
    expect(stubLodash.includes(['cn-north-4'], 'cn-north-4')).toBe(true);
    expect(stubLodash.includes(['cn-north-4'], 'eu-west-101')).toBe(false);
    const odd = (n: number) => n % 2 === 1;
    expect(stubLodash.filter([1, 2, 3], odd)).toEqual(realLodash.filter([1, 2, 3], odd));
  });

  it('log4js: configure and getLogger exist, and every logger is silent', () => {
    const log4js = require('../../scripts/stubs/log4js.cjs') as {
      configure(c: unknown): unknown;
      getLogger(): { error(...a: unknown[]): void; isErrorEnabled(): boolean };
    };
    expect(() => log4js.configure({})).not.toThrow();
    expect(log4js.getLogger().isErrorEnabled()).toBe(false);
    expect(log4js.getLogger().error('Authorization: x')).toBeUndefined();
  });

  it('follow-redirects: refuses every request, before anything is sent', () => {
    type Transport = { request(...a: unknown[]): unknown; get(...a: unknown[]): unknown };
    const fr = require('../../scripts/stubs/follow-redirects.cjs') as Record<string, Transport>;
    for (const t of [fr.http, fr.https]) {
      expect(() => t?.request({ host: '127.0.0.1' })).toThrow(/redirects are never followed/);
      expect(() => t?.get({ host: '127.0.0.1' })).toThrow(/redirects are never followed/);
    }
  });

  it('form-data: refuses to build a multipart body', () => {
    const FormData = require('../../scripts/stubs/form-data.cjs') as new () => unknown;
    expect(() => new FormData()).toThrow(/multipart/);
  });
});
