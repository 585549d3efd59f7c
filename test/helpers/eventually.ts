// Waiting in tests: for a condition, never for a fixed time. A fixed sleep is too short on a
// loaded machine (the test flakes) and too long everywhere else (the suite crawls). The lint
// rule in eslint.config.js refuses bare sleeps in test/ outside this file.
import { expect, vi } from 'vitest';

/**
 * Polls `read` until the matcher that follows holds (vitest's expect.poll), e.g.
 * `await eventually(() => upstream.messages.length).toBe(2)`.
 */
export const eventually = <T>(read: () => T | Promise<T>, timeout = 10_000) =>
  expect.poll(read, { timeout });

export interface WaitOptions {
  /** Give up after this many ms (default 10 s). */
  timeout?: number;
  /** Ask again after this many ms (default 50). */
  interval?: number;
}

/** What a value is once known to be truthy (`null`, `undefined`, `false`, `0` and `''` are not). */
export type Truthy<T> = Exclude<T, null | undefined | false | 0 | ''>;

/**
 * Resolves with the first truthy value `condition` returns (it may be async: a call still in
 * flight is never overlapped); rejects at the timeout naming `what` it waited for.
 */
export async function waitFor<T>(
  what: string,
  condition: () => T | Promise<T>,
  { timeout = 10_000, interval = 50 }: WaitOptions = {},
): Promise<Truthy<T>> {
  try {
    return (await vi.waitUntil(condition, { timeout, interval })) as Truthy<T>;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`waited ${timeout} ms for ${what}: ${detail}`, { cause: err });
  }
}

/**
 * Lets real time pass. Only for where time itself is the behaviour under test (a client paced
 * to a rate, proving nothing happens within a window, an upstream that answers slowly); say
 * why at the call. Everything else waits for its condition with waitFor or eventually.
 */
export function letTimePass(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
