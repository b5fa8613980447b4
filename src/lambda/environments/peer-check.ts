// Who is calling a Runtime API listener? Environments share the host's network namespace (functions
// need the network), so any local process could connect to another environment's port and take
// its events. Each new connection is therefore traced to its owning process through
// /proc/net/tcp (socket inode) and /proc/<pid>/fd, and accepted only from the environment's own
// processes. Runtime clients keep their connection alive, so this runs about once per environment.
import { promises as fsp, readdirSync, readFileSync } from 'node:fs';

/** Inode of the loopback TCP socket whose local port is `clientPort` and peer port `serverPort`. */
export function socketInode(clientPort: number, serverPort: number, table: string): string | undefined {
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

/**
 * Whether the connection from `clientPort` to `serverPort` belongs to one of `pids`. Asynchronous:
 * the kernel takes milliseconds to render /proc/net/tcp, which must not stall Nimbus's event loop.
 */
export async function connectionOwnedBy(clientPort: number, serverPort: number, pids: Iterable<number>): Promise<boolean> {
  let table: string;
  try {
    table = await fsp.readFile('/proc/net/tcp', 'utf8');
  } catch {
    return false;
  }
  const inode = socketInode(clientPort, serverPort, table);
  if (inode === undefined) return false;
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await fsp.readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    const links = await Promise.all(fds.map((fd) => fsp.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
    if (links.includes(target)) return true;
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
