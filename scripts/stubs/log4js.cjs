// Stands in for log4js in the bundle. The SDK core configures log4js at load
// time to print, on every failed call, the whole request: Authorization and
// X-Security-Token included. The real package (and fs-extra, streamroller,
// date-format it pulls in) costs load time for output we always switch off.
// Here every logger is silent and configure() does nothing.
const noop = () => {};
const logger = {
  level: 'off',
  category: 'default',
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  fatal: noop,
  mark: noop,
  log: noop,
  isLevelEnabled: () => false,
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => false,
  isErrorEnabled: () => false,
  isFatalEnabled: () => false,
  addContext: noop,
  removeContext: noop,
  clearContext: noop,
  setParseCallStackFunction: noop,
};
const log4js = {
  configure: () => log4js,
  getLogger: () => logger,
  isConfigured: () => true,
  shutdown: (cb) => {
    if (typeof cb === 'function') cb();
  },
  addLayout: noop,
  connectLogger: () => (_req, _res, next) => next(),
  levels: {},
};
log4js.default = log4js;
module.exports = log4js;
