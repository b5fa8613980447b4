// Who is calling a Runtime API listener? Environments share the host's network namespace (functions
// need the network), so any local process could connect to another environment's port and take
// its events. Each new connection is therefore traced to its owning process through
// /proc/net/tcp (socket inode) and /proc/<pid>/fd, and accepted only from the environment's own
// processes. Runtime clients keep their connection alive, so this runs about once per environment.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Inode of the loopback TCP socket whose local port is `clientPort` and peer port `serverPort`. */
export function socketInode(clientPort: number, serverPort: number, table = readTcpTable()): string | undefined {
  const local = `:${clientPort.toString(16).toUpperCase().padStart(4, '0')}`;
  const remote = `:${serverPort.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (fields.length < 10) continue;
    if (fields[1]!.endsWith(local) && fields[2]!.endsWith(remote)) return fields[9];
  }
  return undefined;
}

function readTcpTable(): string {
  try {
    return readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return '';
  }
}

/** True when one of `pids` holds the socket with this inode. */
export function ownedBy(inode: string, pids: Iterable<number>): boolean {
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return true;
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return false;
}

/** A process and its descendants (for environments without a cgroup listing their processes). */
export function processTree(root: number): number[] {
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0 && out.length < 4096) {
    const pid = stack.pop()!;
    out.push(pid);
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (children) for (const c of children.split(' ')) stack.push(Number(c));
      }
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Whether /proc tells us enough to check peers on this machine. */
export function peerCheckAvailable(): boolean {
  return process.platform === 'linux' && readTcpTable().length > 0;
}
