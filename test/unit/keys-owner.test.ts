import { describe, expect, it } from 'vitest';
import { ownerOfKeys } from '../../src/invocation/projects';
import type { Account } from '../../src/policy/accounts';

const A = 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1';
const B = 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2';

const account = (over: Partial<Account>): Account => ({
  name: 'x',
  domainId: undefined,
  domainName: undefined,
  agency: 'ops',
  maxDurationSeconds: 86_400,
  regions: [],
  tags: {},
  ...over,
});

const found = (region: string, answeredDomainId?: string) => ({
  region,
  projectId: `p-${region}`,
  ...(answeredDomainId ? { answeredDomainId } : {}),
});

describe('ownerOfKeys: whose keys an account holds, by what IAM answered', () => {
  it('takes the keys of the account named by id, and refuses those of any other', () => {
    const a = account({ domainId: A });
    expect(ownerOfKeys(a, [found('cn-north-4', A), found('ap-southeast-1')])).toEqual({
      refused: false,
      domainId: A,
    });
    expect(ownerOfKeys(a, [found('cn-north-4', A), found('ap-southeast-1', B)])).toEqual({
      refused: true,
      expected: A,
      got: B,
      region: 'ap-southeast-1',
    });
  });

  it('names an account by the first id IAM answers when the file gives none, and refuses a second', () => {
    const a = account({ domainName: 'search' });
    expect(ownerOfKeys(a, [found('cn-north-4', B)])).toEqual({ refused: false, domainId: B });
    expect(ownerOfKeys(a, [found('cn-north-4', B), found('eu-west-101', A)])).toMatchObject({
      refused: true,
      expected: B,
      got: A,
    });
  });

  it('knows nothing more without a look-up: every region named', () => {
    expect(ownerOfKeys(account({ domainId: A }), [found('cn-north-4')])).toEqual({
      refused: false,
      domainId: A,
    });
    expect(ownerOfKeys(account({ domainName: 'n' }), [found('cn-north-4')])).toEqual({
      refused: false,
      domainId: undefined,
    });
  });
});
