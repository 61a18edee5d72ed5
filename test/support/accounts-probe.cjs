// Runs the bundled handler once across accounts, with the keys in PROBE_*,
// and prints the error it rejects with, whole. The parent test captures
// every byte this process prints.
const { createHandler } = require('../../dist/index.js');

const env = {
  POLICY_FILE: process.env.PROBE_POLICY_FILE,
  HUAWEICLOUD_SDK_AK: process.env.PROBE_AK,
  HUAWEICLOUD_SDK_SK: process.env.PROBE_SK,
  IAM_ENDPOINT: process.env.PROBE_ENDPOINT,
  STS_ENDPOINT: process.env.PROBE_ENDPOINT,
  DMS_RETRY_ATTEMPTS: '2',
  DMS_RETRY_BASE_MS: '1',
  DMS_REQUEST_TIMEOUT_MS: '2000',
  DEADLINE_MARGIN_MS: '0',
  MARK_SETTLE_MS: '0',
};

(async () => {
  try {
    await createHandler({ env })({ policy: 'restart' }, undefined);
    console.log(JSON.stringify({ probe: 'done', failed: false }));
  } catch (e) {
    console.error(`invocation failed: ${e.message}`);
    console.error(e);
    console.log(JSON.stringify({ probe: 'done', failed: true }));
  }
})();
