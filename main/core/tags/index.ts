// Message tags (Mailpit's): names, automatic tags at arrival, and changes to stored messages.
export { cleanTag, isValidTag, normalizeTags, tagAlphabet, titleCase } from './tag-name.js';
export {
  autoTags,
  parseTagsDisable,
  plusAddressTags,
  type AutoTagInput,
  type AutoTagSettings,
  type AutoTagSource,
} from './auto-tags.js';
export {
  deleteTag,
  renameTag,
  setMessageTags,
  TagError,
  type TaggedStore,
} from './message-tags.js';
