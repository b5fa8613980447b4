// The live WebSocket connections of this Nimbus process, by connection id: what @connections
// (PostToConnection, GetConnection, DeleteConnection) and the events' requestContext read. Kept in
// memory: a connection is a socket of this process and dies with it, as on AWS it dies with its node.
import type { WebSocket } from 'ws';
import type { DeployedStage, ServedApi } from '../../core/model.js';

export interface Connection {
  readonly connectionId: string;
  readonly socket: WebSocket;
  readonly served: ServedApi;
  readonly stage: DeployedStage;
  /** `requestContext.domainName`: where @connections of this API is reached (see gateway.ts). */
  readonly domainName: string;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  readonly connectedAt: number;
  lastActiveAt: number;
  /** `requestContext.authorizer` of every event once a `$connect` authorizer allowed the connection. */
  authorizer?: Record<string, unknown>;
  /** Set when the gateway closes the connection itself (DeleteConnection, timeouts): reported on $disconnect. */
  closedBy?: { readonly code: number; readonly reason: string };
}

/** What a connection is before its socket exists (while `$connect` decides). */
export type ConnectionInfo = Omit<Connection, 'socket'>;

export class ConnectionRegistry {
  private readonly byId = new Map<string, Connection>();

  add(c: Connection): void {
    this.byId.set(c.connectionId, c);
  }

  get(connectionId: string): Connection | undefined {
    return this.byId.get(connectionId);
  }

  remove(connectionId: string): void {
    this.byId.delete(connectionId);
  }

  all(): Connection[] {
    return [...this.byId.values()];
  }
}

// Connection, request and message ids shaped like AWS's (`L0SM9cOFvHcCIhw=`): ids, not secrets.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function awsId(): string {
  let out = '';
  for (let i = 0; i < 15; i++) out += ALPHABET[(Math.random() * ALPHABET.length) | 0];
  return out + '=';
}
