// SMTP AUTH brute-force protection in two layers, so one address shared by a whole office (a NAT,
// a VPN exit) is never shut out by one misconfigured printer or one attacker:
// - slowing, per client address: every failure from the address makes its next answer wait
//   longer (AuthThrottle's doubling delay), whoever the user is, so guessing many names is slow;
// - lockout, per (address, user name): after `maxFailures` failures for one user from one
//   address, that user's AUTH from that address gets `421 4.7.0` without its password being
//   checked, until `lockoutMs` after the last failure. Other users behind the same address, with
//   their right passwords, are still let in (Postfix's anvil counts per client; fail2ban-style
//   lockouts per user are what users of shared addresses ask for).
// Locked entries can be listed and released (the API and `relaydesk lockout`).
import type { AuthLockoutView } from '../../../preload/relay-contract.js';
import { AuthThrottle, type ThrottleSettings } from './auth-throttle.js';

export type AuthLockoutEntry = AuthLockoutView;

export type AuthAttemptState =
  { locked: false; delayMs: number } | { locked: true; retryAfterMs: number; failures: number };

const separator = '\u0000';

export class AuthLockouts {
  private readonly perAddress: AuthThrottle;
  private readonly perUser: AuthThrottle;

  constructor(
    private readonly settings: ThrottleSettings,
    private readonly now: () => number = Date.now,
  ) {
    // the address layer only slows down: it never reaches a failure count that locks
    this.perAddress = new AuthThrottle({ ...settings, maxFailures: Number.MAX_SAFE_INTEGER }, now);
    this.perUser = new AuthThrottle(settings, now);
  }

  private static key(address: string, user: string): string {
    return `${address}${separator}${user}`;
  }

  /** What an AUTH for `user` from `address` faces now: a lock, or a delay before the check. */
  state(address: string, user: string): AuthAttemptState {
    const pair = this.perUser.state(AuthLockouts.key(address, user));
    if (pair.locked) return pair;
    const slowing = this.perAddress.state(address);
    return { locked: false, delayMs: slowing.locked ? 0 : slowing.delayMs };
  }

  /** Records a failed AUTH; says whether the (address, user) pair is now locked. */
  fail(address: string, user: string): { locked: boolean; failures: number } {
    this.perAddress.fail(address);
    const after = this.perUser.fail(AuthLockouts.key(address, user));
    return { locked: after.locked, failures: after.failures };
  }

  /** The (address, user) pairs locked out now, the longest-locked first. */
  locked(): AuthLockoutEntry[] {
    const out: AuthLockoutEntry[] = [];
    for (const [key, record] of this.perUser.entries()) {
      if (record.failures < this.settings.maxFailures) continue;
      const [address = '', user = ''] = key.split(separator);
      out.push({
        Address: address,
        User: user,
        Failures: record.failures,
        LockedUntil: new Date(record.last + this.settings.lockoutMs).toISOString(),
      });
    }
    return out.sort((a, b) => a.LockedUntil.localeCompare(b.LockedUntil));
  }

  /**
   * Lifts lockouts: one pair, every user of an address (user omitted; the address's slowing is
   * forgotten too), or all (both omitted). Returns the locked entries released.
   */
  release(address?: string, user?: string): AuthLockoutEntry[] {
    const released = this.locked().filter(
      (e) =>
        (address === undefined || e.Address === address) && (user === undefined || e.User === user),
    );
    for (const [key] of [...this.perUser.entries()]) {
      const [a = '', u = ''] = key.split(separator);
      if ((address === undefined || a === address) && (user === undefined || u === user)) {
        this.perUser.forget(key);
      }
    }
    if (user === undefined) {
      if (address === undefined) this.perAddress.forgetAll();
      else this.perAddress.forget(address);
    }
    return released;
  }
}
