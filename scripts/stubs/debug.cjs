// Stands in for the `debug` package in the bundle. follow-redirects logs each
// request's options through it, Authorization and X-Security-Token included,
// whenever DEBUG names it (DEBUG=*); log4js and agent-base log through it too.
// Here every logger is off, whatever DEBUG says.
function createDebug(namespace) {
  const log = () => {};
  log.namespace = namespace;
  log.enabled = false;
  log.extend = (sub) => createDebug(`${namespace}:${sub}`);
  log.destroy = () => true;
  return log;
}
createDebug.enable = () => {};
createDebug.disable = () => '';
createDebug.enabled = () => false;
createDebug.formatters = {};
createDebug.names = [];
createDebug.skips = [];
createDebug.debug = createDebug;
createDebug.default = createDebug;

module.exports = createDebug;
