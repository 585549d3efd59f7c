// Tag names as Mailpit allows them: the rule lives in preload/tag-name.ts, shared with the GUI's
// tag editor, which checks a typed name by it before saving.
export {
  cleanTag,
  isValidTag,
  normalizeTags,
  tagAlphabet,
  titleCase,
  typedTagProblem,
} from '../../../preload/tag-name.js';
