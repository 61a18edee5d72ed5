/** What a route handler gets to work with. */
import type { Iam, SimCaller } from './iam';
import type { Store } from './store';
import type { PublishedMessage, TagRules } from './types';

export interface HandlerContext {
  store: Store;
  /** Query parameters, decoded; the last value wins for a repeated key. */
  query: Record<string, string>;
  rawBody: Buffer;
  instanceId?: string;
  /** The topic of an SMN publish, from its path. */
  topicUrn?: string;
  /** Where accepted SMN messages go. */
  published: PublishedMessage[];
  now: () => number;
  /** False when a fault says the request must not change anything. */
  apply: boolean;
  allFailureResponse: 204 | 200;
  /** Instances being deleted, or in the recycle bin, stay in ListInstances (the old answer). */
  deletingListed: boolean;
  /** A restart DMS refuses for an instance's state fails that instance only (the old answer). */
  restartRefusedPerInstance: boolean;
  tagRules: TagRules;
  /** IAM, and who signed the request: the key's account, its policies, whether it sent a token. */
  iam: Iam;
  caller: SimCaller;
  /** Per-id overrides of a batch action's outcome, from a `results` fault. */
  outcome?: {
    failIds: Set<string>;
    omitIds: Set<string>;
    omitAppliedIds: Set<string>;
    ignoreIds: Set<string>;
  };
}
