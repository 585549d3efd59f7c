// The renderer's one door to the API contract, so no component reaches into preload/ itself.
export type * from '../../../preload/api-contract.js';
export {
  contentIdKey,
  referencedContentIds,
  replaceCidReferences,
} from '../../../preload/content-id.js';
export { onScreen, securityLabels, settingName } from '../../../preload/setting-names.js';
export { arrivalSender } from '../../../preload/arrival-sender.js';
export { enhancedStatusMeaning } from '../../../preload/enhanced-status.js';
export { rateLimitWords } from '../../../preload/rate-limit-words.js';
export { allowlistOutOfReach } from '../../../preload/allowlist-reach.js';
export { loopbackTwinWords } from '../../../preload/loopback-twin.js';
export { sentByLiftedPause } from '../../../preload/flush-resumes.js';
export { noKeyForDomain, selectorWord } from '../../../preload/dkim-words.js';
export { shownMailText, withoutBidiControls } from '../../../preload/mail-text.js';
export { cleanTag, typedTagProblem } from '../../../preload/tag-name.js';
