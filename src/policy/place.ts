import { z } from 'zod';
import { dmsEndpoint, REGION } from '../cloud/endpoint';
import { ConfigError } from '../errors';

/** Where a policy runs, as `targets` and `accounts` write it: a region, a project, an endpoint. */

export const regionId = z
  .string({ invalid_type_error: 'must be a region id such as cn-north-4' })
  .regex(REGION, 'not a region id such as cn-north-4 or eu-west-101');

export const projectId = z
  .string({ invalid_type_error: 'must be a project id' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a project id is 1-64 letters, digits, - and _');

/**
 * An origin that overrides the region's public endpoint (a VPC endpoint, a
 * proxy, the simulator), checked as `DMS_ENDPOINT` is; an error about it
 * never repeats the value.
 */
export const endpointOrigin = z
  .string({ invalid_type_error: 'must be an origin such as https://host:port' })
  .superRefine((v, ctx) => {
    try {
      dmsEndpoint({ endpoint: v });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      for (const issue of e.issues) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: issue.message });
      }
    }
  });
