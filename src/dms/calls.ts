import { type ApiCalls, type CallSettings, createCalls } from '../cloud/calls';
import type { KafkaInstance } from './wire';

/** The plumbing every DMS call of one client goes through. */
export interface DmsCalls extends ApiCalls {
  /** The instance with its name and status scrubbed, in place. */
  cleaned(i: KafkaInstance): KafkaInstance;
}

/** {@link createCalls} for DMS, which also scrubs the instances it reads. */
export function createDmsCalls(settings: Omit<CallSettings, 'service'>): DmsCalls {
  const calls = createCalls({ ...settings, service: 'dms' });
  const { scrub } = calls;
  return {
    ...calls,
    // The name and status go into records and reasons as they are: scrub them like any
    // other text from the network. In place: each instance is a fresh one from
    // readInstance, and a listing has thousands.
    cleaned: (i) => {
      i.name = scrub(i.name);
      i.status = scrub(i.status);
      return i;
    },
  };
}
