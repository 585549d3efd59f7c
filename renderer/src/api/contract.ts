// The renderer's one door to the API contract, so no component reaches into preload/ itself.
export type * from '../../../preload/api-contract.js';
export {
  contentIdKey,
  referencedContentIds,
  replaceCidReferences,
} from '../../../preload/content-id.js';
export { cleanTag, typedTagProblem } from '../../../preload/tag-name.js';
