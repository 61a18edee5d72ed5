// Calls the SDK core directly, without this project's silencing, so the
// parent test can show that its scan does catch the leak it guards against.
const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials');
const { ClientBuilder } = require('@huaweicloud/huaweicloud-sdk-core/ClientBuilder');

const cred = new BasicCredentials()
  .withAk(process.env.PROBE_AK)
  .withSk(process.env.PROBE_SK)
  .withProjectId('p');
const client = new ClientBuilder((c) => c)
  .withCredential(cred)
  .withEndpoint('http://127.0.0.1:1')
  .withOptions({ customUserAgent: 'leak-control' })
  .build();
client
  .sendRequest({
    method: 'GET',
    url: '/v2/p/instances',
    pathParams: {},
    queryParams: {},
    headers: {},
    contentType: 'application/json',
  })
  .catch(() => console.log('control done'));
