// What the renderer's HTTP client throws when the relay refuses: its `message` is the relay's
// sentence, so any screen that shows `error.message` (or `String(error)`'s words) shows what to
// fix. Before, the message began with "POST /api/v1/users failed with 400: ", each display site
// had to strip it, and Settings → Sender alerts did not (it showed `String(err)`). The request
// stays on the error, as `requestLine`, for logs. Real relay, real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelaydeskApi } from '../../preload/api-methods.js';
import { ApiError, createHttpTransport } from '../../renderer/src/api/http-transport.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
let api: RelaydeskApi;

beforeAll(async () => {
  relay = await startTestRelaydesk();
  api = createHttpTransport({ baseUrl: new URL(relay.url) });
});
afterAll(async () => relay?.dispose());

async function refusal(work: Promise<unknown>): Promise<ApiError> {
  const failure = await work.then(
    () => null,
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(ApiError);
  return failure as ApiError;
}

describe("the HTTP client's error for a refusal", () => {
  it("is the relay's sentence, with the request kept apart for logs", async () => {
    const error = await refusal(api.addUser('bad name', 'long enough password'));
    expect(error.message).toBe(
      'name: "bad name" is not a user name; a user name is 1 to 128 letters, digits and . _ @ + -, e.g. app or qa@example.com',
    );
    expect(String(error)).toBe(`ApiError: ${error.message}`);
    expect(error.requestLine).toBe('POST /api/v1/users failed with 400');
    expect(error.status).toBe(400);
  });

  it('says no request line for a missing thing either', async () => {
    const error = await refusal(api.removeUser('nobody'));
    expect(error.message).toBe('no user "nobody"');
    expect(error.message).not.toMatch(/failed with|\/api\/v1/);
    expect(error.requestLine).toBe('DELETE /api/v1/users/nobody failed with 404');
  });
});
