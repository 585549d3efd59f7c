// PHP's mail() and Symfony Mailer as the sendmail tests' real callers: Debian's php-cli and
// php-symfony-mailer (the tests skip, naming the package, when they are not installed).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { relaydeskBin } from './cli-process.js';
import { requireTool, tools } from './system-tools.js';

const run = promisify(execFile);
export const php = requireTool(tools.php);
const symfonyMailerAutoload = '/usr/share/php/Symfony/Component/Mailer/autoload.php';
export const symfonyMailer = php !== null && existsSync(symfonyMailerAutoload);

/**
 * Sends one message with Symfony Mailer's sendmail transport, which runs `relaydesk sendmail -bs`
 * (its default command, and Laravel's); from app@, to dev@ and Bcc audit@example.test.
 * Resolves with what the script printed (`sent` once the transport returned).
 */
export async function sendWithSymfonyMailer(
  dir: string,
  mail: { subject: string; html?: string },
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const file = join(dir, 'send.php');
  await writeFile(
    file,
    [
      '<?php',
      `require '${symfonyMailerAutoload}';`,
      "require_once '/usr/share/php/Symfony/Component/Mime/autoload.php';",
      'use Symfony\\Component\\Mailer\\Mailer;',
      'use Symfony\\Component\\Mailer\\Transport;',
      'use Symfony\\Component\\Mime\\Email;',
      "$transport = Transport::fromDsn('sendmail://default?command=' . urlencode($argv[1]));",
      '(new Mailer($transport))->send((new Email())',
      "  ->from('app@example.test')->to('dev@example.test')->bcc('audit@example.test')",
      `  ->subject(${JSON.stringify(mail.subject)})->text('Hello')${mail.html ? `->html(${JSON.stringify(mail.html)})` : ''});`,
      'echo "sent\\n";',
    ].join('\n'),
  );
  const { stdout } = await run(
    php as string,
    [file, `${process.execPath} ${relaydeskBin} sendmail -bs`],
    { env, timeout: 20_000 },
  );
  return stdout;
}
