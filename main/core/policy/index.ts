// The inbound policy: who may send, relay and authenticate, with which limits. Pure decisions
// (client-trust, session-policy, relay-address, exposure) apart from the state they need
// (user-store, auth-throttle, client-limits, tls-material); the listener applies them.
export * from './audit-line.js';
export * from './auth-lockout.js';
export * from './auth-throttle.js';
export * from './client-limits.js';
export * from './client-trust.js';
export * from './exposure.js';
export * from './password-hash.js';
export * from './relay-address.js';
export * from './session-policy.js';
export * from './tls-material.js';
export * from './user-store.js';
