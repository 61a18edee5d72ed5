// Stands in for thread-stream in the bundle. pino needs it only for
// transports, which run in a worker thread (`pino.transport()`, or a
// `transport` option); the function never uses one: its records go to
// stdout through a synchronous destination (src/report/logger.ts). Anything
// that would start a worker fails at once instead.
class ThreadStream {
  constructor() {
    throw new Error('thread-stream stand-in: pino transports are not bundled');
  }
}
module.exports = ThreadStream;
module.exports.default = ThreadStream;
