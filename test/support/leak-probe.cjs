// Runs the bundled handler through several failing calls with the keys in
// PROBE_* and exits. The parent test captures every byte this process prints.
const { createHandler } = require('../../dist/index.js');

const base = {
  POLICY_FILE: process.env.PROBE_POLICY_FILE,
  HUAWEICLOUD_SDK_PROJECT_ID: process.env.PROBE_PROJECT_ID,
  HUAWEICLOUD_SDK_AK: process.env.PROBE_AK,
  HUAWEICLOUD_SDK_SECURITY_TOKEN: process.env.PROBE_TOKEN,
  DMS_RETRY_ATTEMPTS: '3',
  DMS_RETRY_BASE_MS: '1',
  DMS_REQUEST_TIMEOUT_MS: '500',
  DEADLINE_MARGIN_MS: '0',
};
const withKey = (endpoint) => ({
  ...base,
  DMS_ENDPOINT: endpoint,
  HUAWEICLOUD_SDK_SK: process.env.PROBE_SK,
});
const attempts = [
  // A wrong secret key: 401 from the signature check.
  { ...base, DMS_ENDPOINT: process.env.PROBE_ENDPOINT, HUAWEICLOUD_SDK_SK: 'wrong-secret' },
  // The right key, but every call answers 500.
  withKey(process.env.PROBE_FAILING_ENDPOINT),
  // Nobody listening.
  withKey('http://127.0.0.1:1'),
  // A 307 to another server.
  withKey(process.env.PROBE_REDIRECT_ENDPOINT),
  // An error whose message repeats the request headers.
  withKey(process.env.PROBE_ECHO_ENDPOINT),
];

(async () => {
  let failures = 0;
  for (const env of attempts) {
    try {
      await createHandler({ env })({ policy: 'r' }, undefined);
    } catch (e) {
      failures++;
      console.error(`invocation failed: ${e.message}`);
      console.error(e);
    }
  }
  console.log(JSON.stringify({ probe: 'done', failures }));
})();
