// Stands in for lodash in the bundle. The SDK core calls three of its
// functions: sortBy (signed header names), includes and filter (IAM region
// look-ups, which this project never makes). Whole lodash costs load time
// for nothing else. test/unit/stubs.test.ts compares these with lodash.
function sortBy(list, key) {
  const arr = Array.isArray(list) ? list : Object.values(list ?? {});
  const by = typeof key === 'function' ? key : (x) => x?.[key];
  return arr
    .map((value, index) => ({ value, index, k: by(value) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.index - b.index))
    .map((e) => e.value);
}
function includes(collection, value) {
  if (typeof collection === 'string') return collection.includes(value);
  const arr = Array.isArray(collection) ? collection : Object.values(collection ?? {});
  return arr.some((x) => x === value || (Number.isNaN(x) && Number.isNaN(value)));
}
function filter(collection, pred) {
  const arr = Array.isArray(collection) ? collection : Object.values(collection ?? {});
  return arr.filter((x, i) => pred(x, i, collection));
}
module.exports = { sortBy, includes, filter };
