// Stands in for moment in the bundle. The SDK core's signers use it for one
// thing: the X-Sdk-Date stamp, `moment(x).utcOffset(0).format('YYYYMMDDTHHmmss')`.
// This does exactly that, in UTC, and refuses any other format rather than
// guess. test/unit/stubs.test.ts compares it with the real moment.
const pad = (n, w = 2) => String(n).padStart(w, '0');
function moment(input) {
  const d = input === undefined ? new Date() : new Date(input);
  if (Number.isNaN(d.getTime())) throw new Error('moment stand-in: unparseable date');
  const m = {
    utcOffset: () => m,
    utc: () => m,
    format(fmt) {
      if (fmt !== 'YYYYMMDDTHHmmss') throw new Error(`moment stand-in: unsupported format ${fmt}`);
      return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
    },
  };
  return m;
}
moment.default = moment;
module.exports = moment;
