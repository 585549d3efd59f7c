// The keys every hop must carry in the API (issue 5): written out here, apart from the code, so
// a key dropped from the implementation fails the tests that use this list.
export const hopContractKeys = [
  'from',
  'fromRdns',
  'fromIp',
  'by',
  'with',
  'tls',
  'id',
  'for',
  'timestamp',
  'delaySeconds',
] as const;
