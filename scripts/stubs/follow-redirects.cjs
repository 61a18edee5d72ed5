// Stands in for follow-redirects in the bundle. axios sends through it only
// when a request may follow redirects; every call here sets maxRedirects: 0
// (src/cloud/transport.ts), with which axios sends through Node's http and
// https itself, and a redirect comes back as an answer that is refused.
// follow-redirects would resend the signed request to wherever Location
// points, and logs each request's headers through `debug`. A request that
// would follow redirects fails here before anything is sent.
function refuse() {
  throw new Error('redirects are never followed: send with maxRedirects: 0');
}
const transport = { request: refuse, get: refuse };
module.exports = { http: transport, https: transport };
