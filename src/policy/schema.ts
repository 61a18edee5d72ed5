import { z } from 'zod';
import { RESTARTABLE_STATUSES } from '../dms/status';
import { accountSelector, accountsSection } from './accounts';
import { endpointOrigin, projectId, regionId } from './place';
import { MAX_NAME_PATTERNS, namePattern, type TagSelector, tagSelector } from './selector';
import { DAYS, isTimeZone, minutesOf } from './window';

/**
 * The policy file's schema. Every object is strict, so a misspelt key is an
 * error instead of a silent no-op. Limits on list sizes and glob shapes keep
 * a hostile or broken file from costing more than it should.
 */

export const ACTIONS = ['restart', 'cleanup-failed'] as const;
export type PolicyAction = (typeof ACTIONS)[number];

export const BATCH_SIZE_MAX = 50;

/**
 * A policy's `exclude.tags` join the defaults' (protections add up);
 * `dropDefaults: true` says the policy drops the defaults' instead, and
 * `validate` warns naming the keys it drops.
 */
const exclude = z
  .object({
    tags: tagSelector.optional(),
    dropDefaults: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
  })
  .strict();

const defaultsExclude = exclude.superRefine((e, ctx) => {
  if (e.dropDefaults === undefined) return;
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    path: ['dropDefaults'],
    message: "dropDefaults belongs in a policy's exclude: it drops these defaults there",
  });
});

const select = z
  .object({
    tags: tagSelector.optional(),
    status: z
      .array(
        z.enum(RESTARTABLE_STATUSES, {
          errorMap: () => ({
            message: `DMS restarts only from ${RESTARTABLE_STATUSES.join(', ')}`,
          }),
        }),
      )
      .min(1)
      .optional(),
    names: z.array(namePattern).min(1).max(MAX_NAME_PATTERNS).optional(),
  })
  .strict();

const batchSize = z.number().int().min(1).max(BATCH_SIZE_MAX);

/** A restart takes 3-15 minutes; a wave waits at most 900 s for one. */
const waitForRunning = z.union(
  [
    z.literal(true),
    z
      .object({
        timeoutSeconds: z.number().int().min(30).max(900).optional(),
        pollSeconds: z.number().int().min(1).max(120).optional(),
      })
      .strict(),
  ],
  { errorMap: () => ({ message: 'waitForRunning is true or { timeoutSeconds, pollSeconds }' }) },
);
const maxInstances = z.number().int().min(1).max(10_000);

const hhmm = z
  .string({ invalid_type_error: 'write the time quoted, as "HH:MM"' })
  .refine((v) => minutesOf(v) !== undefined, 'must be "HH:MM", 00:00 to 23:59');

/**
 * The longest window that may run past midnight without `wrap: true`: an
 * end before the start reads as the next day, and "05:00" to "02:00" (21 h)
 * is far likelier a swap of "02:00" to "05:00" than a wish.
 */
const MAX_QUIET_WRAP_MINUTES = 12 * 60;

const hours = (minutes: number) =>
  minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;

/** A campaign's window; see src/policy/window.ts for the arithmetic. */
const window = z
  .object({
    timezone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone the platform knows, e.g. Europe/Berlin'),
    days: z
      .array(z.enum(DAYS, { errorMap: () => ({ message: `days are ${DAYS.join(', ')}` }) }))
      .min(1)
      .max(7)
      .optional(),
    start: hhmm,
    end: hhmm,
    cutoffMinutes: z.number().int().min(0).max(1440).optional(),
    /** Keeps a window that runs past midnight for more than 12 hours. */
    wrap: z.boolean().optional(),
  })
  .strict()
  .superRefine((w, ctx) => {
    const start = minutesOf(w.start);
    const end = minutesOf(w.end);
    if (start === undefined || end === undefined) return;
    if (start === end) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['end'],
        message: 'end equals start; a window needs a length',
      });
      return;
    }
    const length = (end - start + 1440) % 1440;
    if (end < start && length > MAX_QUIET_WRAP_MINUTES && w.wrap !== true) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['end'],
        message: `"${w.start}" to "${w.end}" the next day is ${hours(length)}; did you mean "${w.end}" to "${w.start}" (${hours(1440 - length)})? Swap them, or add wrap: true to keep a window this long that runs past midnight`,
      });
      return;
    }
    if ((w.cutoffMinutes ?? 0) >= length) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['cutoffMinutes'],
        message: `must be less than the window's ${length} minutes`,
      });
    }
  });

/** The most targets one policy may run on. */
export const MAX_TARGETS = 20;

/**
 * One region and project a policy runs on. `endpoint` overrides the
 * region's public endpoint (a VPC endpoint, a proxy, the simulator) and is
 * checked as `DMS_ENDPOINT` is; an error about it never repeats the value.
 */
const target = z
  .object({ region: regionId, projectId, endpoint: endpointOrigin.optional() })
  .strict();
export type TargetSpec = z.infer<typeof target>;

const targets = z
  .array(target)
  .min(1, 'at least one target; leave targets out to run on the project from the environment')
  .max(MAX_TARGETS, `at most ${MAX_TARGETS} targets`)
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    for (const [i, t] of list.entries()) {
      const key = `${t.region}\u0000${t.projectId}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, i);
        continue;
      }
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [i],
        message: `duplicate target: region ${t.region} and this projectId are already targets[${first}]`,
      });
    }
  });

const shared = {
  dryRun: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
  exclude: defaultsExclude.optional(),
  maxInstances: maxInstances.optional(),
  batchSize: batchSize.optional(),
  targets: targets.optional(),
};

/** Keys that belong to one action: cleanup's, and restart's. */
const ONLY_KEYS = [
  'window',
  'minIntervalMinutes',
  'minAgeHours',
  'forceDelete',
  'kafkaChecks',
  'allowSingleReplicaTopics',
] as const;
type RestartOrCleanupKey = (typeof ONLY_KEYS)[number];
const CLEANUP_KEYS: ReadonlySet<RestartOrCleanupKey> = new Set(['minAgeHours', 'forceDelete']);

const policy = z
  .object({
    action: z.enum(ACTIONS, {
      errorMap: () => ({ message: `action must be one of: ${ACTIONS.join(', ')}` }),
    }),
    description: z.string().max(500).optional(),
    select: select.optional(),
    waitForRunning: waitForRunning.optional(),
    window: window.optional(),
    minIntervalMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 31)
      .optional(),
    minAgeHours: z
      .number()
      .min(0)
      .max(24 * 365)
      .optional(),
    forceDelete: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
    kafkaChecks: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
    allowSingleReplicaTopics: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
    accounts: accountSelector.optional(),
    ...shared,
    exclude: exclude.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.action === 'restart' && Object.keys(p.select?.tags ?? {}).length === 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['select', 'tags'],
        message:
          'a restart policy must select on at least one tag; a selector without tags could match the whole fleet',
      });
    }
    if (p.action === 'cleanup-failed' && p.select?.status) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['select', 'status'],
        message: 'cleanup-failed only ever deletes CREATEFAILED instances; remove select.status',
      });
    }
    if (p.action === 'cleanup-failed' && p.waitForRunning) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['waitForRunning'],
        message: 'waitForRunning applies to restart policies only',
      });
    }
    if (p.kafkaChecks === false && p.allowSingleReplicaTopics !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['allowSingleReplicaTopics'],
        message:
          'allowSingleReplicaTopics is a rule of the Kafka checks, which kafkaChecks: false turns off',
      });
    }
    const only = (key: RestartOrCleanupKey) => {
      const wanted = CLEANUP_KEYS.has(key) ? 'cleanup-failed' : 'restart';
      if (p[key] !== undefined && p.action !== wanted) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [key],
          message: `${key} applies to ${wanted} policies only`,
        });
      }
    };
    for (const key of ONLY_KEYS) only(key);
    if (p.select && !p.select.tags && !p.select.names) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['select'],
        message: 'select needs tags or names',
      });
    }
  });

export type { TagSelector };
export type PolicySpec = z.infer<typeof policy>;

const policyName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
    'a policy name is 1-64 letters, digits, - _ . and starts with a letter or digit',
  );

export const policyFileSchema = z
  .object({
    version: z.literal(1, { errorMap: () => ({ message: 'version must be 1' }) }),
    defaults: z.object(shared).strict().optional(),
    policies: z
      .record(policyName, policy)
      .refine((m) => Object.keys(m).length > 0, 'at least one policy is required')
      .refine((m) => Object.keys(m).length <= 100, 'at most 100 policies'),
    accounts: accountsSection.optional(),
  })
  .strict();
export type PolicyFile = z.infer<typeof policyFileSchema>;
