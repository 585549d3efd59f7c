// Tests that need a system tool (chromium, swaks, python3, smtp-sink…) ask here first. Without
// the tool they skip with one printed line that says how to install it; under
// RELAYDESK_REQUIRE_TOOLS=1 (set by .ci/run) a missing tool fails the run instead.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface SystemTool {
  /** Executable name looked up on PATH, or an absolute path. */
  command: string;
  /** How a newcomer gets it, e.g. `apt-get install -y swaks`. */
  install: string;
}

export const tools = {
  chromium: { command: '/usr/bin/chromium', install: 'apt-get install -y chromium' },
  swaks: { command: 'swaks', install: 'apt-get install -y swaks' },
  python3: { command: 'python3', install: 'apt-get install -y python3' },
  msmtp: { command: 'msmtp', install: 'apt-get install -y msmtp' },
  curl: { command: 'curl', install: 'apt-get install -y curl' },
  htpasswd: { command: 'htpasswd', install: 'apt-get install -y apache2-utils' },
  prlimit: { command: 'prlimit', install: 'apt-get install -y util-linux' },
  openssl: { command: 'openssl', install: 'apt-get install -y openssl' },
  sshKeygen: { command: 'ssh-keygen', install: 'apt-get install -y openssh-client' },
  php: { command: 'php', install: 'apt-get install -y php-cli php-symfony-mailer' },
  dnsmasq: { command: '/usr/sbin/dnsmasq', install: 'apt-get install -y dnsmasq-base' },
  // /usr/sbin is not on a normal user's PATH on Debian
  spamd: { command: '/usr/sbin/spamd', install: 'apt-get install -y spamassassin spamd spamc' },
  smtpSink: {
    command: 'smtp-sink',
    install:
      'apt-get download postfix && dpkg -x postfix_*.deb DIR, then put a wrapper on PATH that runs DIR/usr/sbin/smtp-sink with LD_LIBRARY_PATH=DIR/usr/lib/postfix (.ci/run shows how)',
  },
} satisfies Record<string, SystemTool>;

export function findTool(tool: SystemTool): string | null {
  const candidates = tool.command.includes('/')
    ? [tool.command]
    : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, tool.command));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next PATH entry
    }
  }
  return null;
}

/**
 * Returns the tool's path, or null after printing why the caller's tests are skipped.
 * Use as: `const swaks = requireTool(tools.swaks); describe.skipIf(!swaks)(…)`.
 */
export function requireTool(tool: SystemTool): string | null {
  const found = findTool(tool);
  if (found) return found;
  const line = `${tool.command} is not installed: ${tool.install}`;
  if (process.env.RELAYDESK_REQUIRE_TOOLS === '1') {
    throw new Error(`${line} (required because RELAYDESK_REQUIRE_TOOLS=1)`);
  }
  console.log(`skipping tests that need ${line}`);
  return null;
}

/**
 * Debian's python3 with a module importable (e.g. `dkim` from python3-dkim), or null after
 * printing how to install it. The python3 on PATH may be another one (pyenv), so this asks
 * /usr/bin/python3, where apt puts the modules.
 */
export function requirePythonModule(module: string, install: string): string | null {
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
  if (probe.status === 0) return python;
  const line = `the Python module ${module} is not installed: ${install}`;
  if (process.env.RELAYDESK_REQUIRE_TOOLS === '1') {
    throw new Error(`${line} (required because RELAYDESK_REQUIRE_TOOLS=1)`);
  }
  console.log(`skipping tests that need ${line}`);
  return null;
}
