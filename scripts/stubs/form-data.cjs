// Stands in for form-data in the bundle. axios loads it for multipart bodies,
// which this project never sends; with it come mime-types and the 130 KB
// mime-db table, all parsed at every cold start. A multipart body fails
// loudly instead of going out wrong.
class FormData {
  constructor() {
    throw new Error('multipart bodies are not supported by this bundle');
  }
}
module.exports = FormData;
module.exports.default = FormData;
