// A language's name in English for messages ("tr" → "Turkish"): defined with the method's vocabulary, which the
// screens share.
export { languageName } from '../../shared/method.js';
