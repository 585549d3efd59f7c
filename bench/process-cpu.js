// CPU time a process has used (user + system, all its threads), from /proc: the benches' measure
// of cost, steadier than wall time when other work shares the machine.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** CPU seconds the process has used; null where there is no /proc or it has exited. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the name in parentheses may hold spaces: utime and stime are the 14th and 15th fields
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return null;
  }
}
