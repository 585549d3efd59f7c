// Relaydesk's version, as package.json says it (test/cli/version.test.ts holds the two together).
// Its own module so that the CLI can print it without loading the message store.
export const relaydeskVersion = '0.1.0';
