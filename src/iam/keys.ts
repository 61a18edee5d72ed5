import { z } from 'zod';

/** Keys issued for an agency, and when the service says they stop working. */
export interface TemporaryKeys {
  ak: string;
  sk: string;
  securityToken: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** A field of an answer that must be there and not empty. */
export const text = z.string().min(1);

/**
 * An instant as IAM and STS write it, read as the official Go SDK reads it
 * (core/sdktime/sdk_time.go): ISO 8601 with `Z` or an offset, and also
 * without a zone (`2006-01-02T15:04:05`, or with a space for the `T`), which
 * is UTC. `Date.parse` alone would read a zone-less time as local time.
 */
export const instant = text.transform((v, ctx) => {
  const bare = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(v);
  const at = Date.parse(bare ? `${v.replace(' ', 'T')}Z` : v);
  if (Number.isNaN(at)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not a time' });
  return at;
});
