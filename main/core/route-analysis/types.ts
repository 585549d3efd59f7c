// The route API's shapes are part of the API contract (the renderer draws them), so they are
// declared there, types only, and used here under their old names.
export type * from '../../../preload/route-contract.js';
