// CloudWatch Logs business rules: validation with AWS's messages, group/stream lifecycle, event
// ingestion limits, reads with AWS's paging semantics. No HTTP here: inputs are the operations'
// members already typed by the wire layer (./api.ts), outputs are the operations' output shapes.
import { Violations } from '../shared/validation.js';
import { compileFilterPattern } from './filter-pattern.js';
import { InvalidParameter, MSG, ResourceAlreadyExists, ResourceNotFound, TooManyTags } from './errors.js';
import {
  MAX_TS,
  MIN_TS,
  type EventKey,
  type EventRow,
  type GroupRow,
  type LogsRepository,
  type StreamRow,
} from './repository.js';
import type { BufferedLogSink } from './sink.js';
import { decodeCursor, encodeCursor, eventId, isEventKey, parseStreamToken, streamToken } from './tokens.js';

export interface Scope {
  readonly accountId: string;
  readonly region: string;
}

export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const GROUP_NAME = { re: /^[.\-_/#A-Za-z0-9]+$/, src: '[\\.\\-_/#A-Za-z0-9]+' };
const GROUP_PATTERN = { re: /^[.\-_/#A-Za-z0-9]*$/, src: '[\\.\\-_/#A-Za-z0-9]*' };
const STREAM_NAME = { re: /^[^:*]*$/, src: '[^:*]*' };
const GROUP_IDENTIFIER = { re: /^[\w#+=/:,.@-]*$/, src: '[\\w#+=/:,.@-]*' };
const TAG_KEY = { re: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u, src: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$' };
const TAG_VALUE = { re: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, src: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$' };
const RESOURCE_ARN = { re: /^[\w+=/:,.@\-*]*$/, src: '[\\w+=/:,.@\\-\\*]*' };
const GROUP_ARN = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:([^:]+)(?::\*)?$/;
const LOG_GROUP_CLASSES = ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'] as const;

const MAX_BATCH_BYTES = 1_048_576;
const EVENT_OVERHEAD = 26;
const TWO_HOURS = 2 * 3_600_000;
const FOURTEEN_DAYS = 14 * 86_400_000;
const ONE_DAY = 86_400_000;
/** GetLogEvents / FilterLogEvents return at most 1 MB of events per call. */
const MAX_RESPONSE_BYTES = 1_048_576;
/** FilterLogEvents examines at most this many events per call, then hands back a nextToken. */
const SCAN_BUDGET = 200_000;
const SCAN_CHUNK = 2_000;

export interface LogGroupOut {
  logGroupName: string;
  creationTime: number;
  retentionInDays?: number;
  metricFilterCount: number;
  arn: string;
  storedBytes: number;
  kmsKeyId?: string;
  logGroupClass: string;
  logGroupArn: string;
}

export interface LogStreamOut {
  logStreamName: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  uploadSequenceToken?: string;
  arn: string;
  storedBytes: number;
}

export interface OutputLogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

export interface FilteredLogEvent extends OutputLogEvent {
  logStreamName: string;
  eventId: string;
}

/** A group named by `logGroupName` or `logGroupIdentifier` (a name or an ARN). */
export interface GroupRef {
  logGroupName?: string;
  logGroupIdentifier?: string;
}

export class LogsCore {
  constructor(
    private readonly repo: LogsRepository,
    private readonly sink: BufferedLogSink,
    private readonly now: () => number = Date.now,
  ) {}

  // ------------------------------------------------------------------ log groups

  createLogGroup(
    scope: Scope,
    input: { logGroupName?: string; kmsKeyId?: string; tags?: Record<string, string>; logGroupClass?: string },
  ): Record<string, never> {
    const v = new Violations();
    if (v.required(input.logGroupName, 'logGroupName')) this.checkGroupName(v, input.logGroupName!, 'logGroupName');
    v.length(input.kmsKeyId, 'kmsKeyId', 0, 256);
    v.oneOf(input.logGroupClass, 'logGroupClass', LOG_GROUP_CLASSES);
    if (input.tags) this.checkTags(v, input.tags, 'tags');
    throwIf(v);
    this.sink.flush();
    this.repo.transaction(() => {
      const created = this.repo.insertGroup(
        scope.accountId,
        scope.region,
        input.logGroupName!,
        this.now(),
        input.kmsKeyId ?? null,
        input.logGroupClass ?? 'STANDARD',
      );
      if (!created) throw ResourceAlreadyExists(MSG.groupExists);
      if (input.tags && Object.keys(input.tags).length > 0) {
        const g = this.repo.findGroup(scope.accountId, scope.region, input.logGroupName!)!;
        this.repo.putTags(g.id, input.tags);
      }
    });
    return {};
  }

  deleteLogGroup(scope: Scope, input: { logGroupName?: string }): Record<string, never> {
    const v = new Violations();
    if (v.required(input.logGroupName, 'logGroupName')) this.checkGroupName(v, input.logGroupName!, 'logGroupName');
    throwIf(v);
    this.sink.flush();
    this.repo.transaction(() => this.repo.deleteGroup(this.requireGroup(scope, input.logGroupName!).id));
    this.sink.invalidate();
    return {};
  }

  describeLogGroups(
    scope: Scope,
    input: {
      logGroupNamePrefix?: string;
      logGroupNamePattern?: string;
      logGroupIdentifiers?: string[];
      logGroupClass?: string;
      limit?: number;
      nextToken?: string;
    },
  ): { logGroups: LogGroupOut[]; nextToken?: string } {
    const v = new Violations();
    v.length(input.logGroupNamePrefix, 'logGroupNamePrefix', 1, 512);
    v.pattern(input.logGroupNamePrefix, 'logGroupNamePrefix', GROUP_NAME.re, GROUP_NAME.src);
    v.length(input.logGroupNamePattern, 'logGroupNamePattern', 0, 512);
    v.pattern(input.logGroupNamePattern, 'logGroupNamePattern', GROUP_PATTERN.re, GROUP_PATTERN.src);
    v.oneOf(input.logGroupClass, 'logGroupClass', LOG_GROUP_CLASSES);
    v.range(input.limit, 'limit', 1, 50);
    v.count(input.logGroupIdentifiers, 'logGroupIdentifiers', 1, 50);
    input.logGroupIdentifiers?.forEach((id, i) => {
      v.length(id, `logGroupIdentifiers.${i + 1}.member`, 1, 2048);
      v.pattern(id, `logGroupIdentifiers.${i + 1}.member`, GROUP_IDENTIFIER.re, GROUP_IDENTIFIER.src);
    });
    throwIf(v);
    if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
      throw InvalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
    }
    if (input.logGroupIdentifiers !== undefined && (input.logGroupNamePrefix !== undefined || input.logGroupNamePattern !== undefined)) {
      throw InvalidParameter('logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern.');
    }
    // Identifiers are names or ARNs; ARNs of another account or region match nothing here.
    const names = input.logGroupIdentifiers?.flatMap((id) => {
      if (!id.startsWith('arn:')) return [id];
      const m = GROUP_ARN.exec(id);
      return m && m[1] === scope.region && m[2] === scope.accountId ? [m[3]!] : [];
    });
    const after = input.nextToken !== undefined ? decodeCursor('groups', input.nextToken, isString) : undefined;
    const limit = input.limit ?? 50;
    this.sink.flush();
    const rows = this.repo.listGroups(scope.accountId, scope.region, {
      prefix: input.logGroupNamePrefix,
      contains: input.logGroupNamePattern || undefined,
      names,
      cls: input.logGroupClass,
      afterName: after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const out: { logGroups: LogGroupOut[]; nextToken?: string } = { logGroups: page.map((g) => this.groupOut(g)) };
    if (rows.length > limit) out.nextToken = encodeCursor('groups', page[page.length - 1]!.name);
    return out;
  }

  putRetentionPolicy(scope: Scope, input: { logGroupName?: string; retentionInDays?: number }): Record<string, never> {
    const v = new Violations();
    if (v.required(input.logGroupName, 'logGroupName')) this.checkGroupName(v, input.logGroupName!, 'logGroupName');
    if (v.required(input.retentionInDays, 'retentionInDays')) v.oneOf(input.retentionInDays, 'retentionInDays', RETENTION_DAYS);
    throwIf(v);
    this.sink.flush();
    this.repo.transaction(() => this.repo.setRetention(this.requireGroup(scope, input.logGroupName!).id, input.retentionInDays!));
    return {};
  }

  deleteRetentionPolicy(scope: Scope, input: { logGroupName?: string }): Record<string, never> {
    const v = new Violations();
    if (v.required(input.logGroupName, 'logGroupName')) this.checkGroupName(v, input.logGroupName!, 'logGroupName');
    throwIf(v);
    this.sink.flush();
    this.repo.transaction(() => this.repo.setRetention(this.requireGroup(scope, input.logGroupName!).id, null));
    return {};
  }

  // ------------------------------------------------------------------ log streams

  /** Both names of a stream are required and well formed (CreateLogStream, DeleteLogStream). */
  private checkStreamRef(input: { logGroupName?: string; logStreamName?: string }): void {
    const v = new Violations();
    if (v.required(input.logGroupName, 'logGroupName')) this.checkGroupName(v, input.logGroupName!, 'logGroupName');
    if (v.required(input.logStreamName, 'logStreamName')) this.checkStreamName(v, input.logStreamName!, 'logStreamName');
    throwIf(v);
  }

  createLogStream(scope: Scope, input: { logGroupName?: string; logStreamName?: string }): Record<string, never> {
    this.checkStreamRef(input);
    this.sink.flush();
    this.repo.transaction(() => {
      const g = this.requireGroup(scope, input.logGroupName!);
      if (!this.repo.insertStream(g.id, input.logStreamName!, this.now())) throw ResourceAlreadyExists(MSG.streamExists);
    });
    return {};
  }

  deleteLogStream(scope: Scope, input: { logGroupName?: string; logStreamName?: string }): Record<string, never> {
    this.checkStreamRef(input);
    this.sink.flush();
    this.repo.transaction(() => {
      const g = this.requireGroup(scope, input.logGroupName!);
      this.repo.deleteStream(this.requireStream(g, input.logStreamName!));
    });
    this.sink.invalidate();
    return {};
  }

  describeLogStreams(
    scope: Scope,
    input: GroupRef & {
      logStreamNamePrefix?: string;
      orderBy?: string;
      descending?: boolean;
      nextToken?: string;
      limit?: number;
    },
  ): { logStreams: LogStreamOut[]; nextToken?: string } {
    const v = new Violations();
    this.checkGroupRef(v, input);
    v.length(input.logStreamNamePrefix, 'logStreamNamePrefix', 1, 512);
    v.pattern(input.logStreamNamePrefix, 'logStreamNamePrefix', STREAM_NAME.re, STREAM_NAME.src);
    v.oneOf(input.orderBy, 'orderBy', ['LogStreamName', 'LastEventTime']);
    v.range(input.limit, 'limit', 1, 50);
    throwIf(v);
    const orderBy = (input.orderBy ?? 'LogStreamName') as 'LogStreamName' | 'LastEventTime';
    if (orderBy === 'LastEventTime' && input.logStreamNamePrefix !== undefined) {
      throw InvalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
    }
    const after = input.nextToken !== undefined ? decodeCursor('streams', input.nextToken, isStreamCursor) : undefined;
    const limit = input.limit ?? 50;
    this.sink.flush();
    const g = this.resolveGroupRef(scope, input);
    const rows = this.repo.listStreams(g.id, {
      prefix: input.logStreamNamePrefix,
      orderBy,
      descending: input.descending ?? false,
      after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const out: { logStreams: LogStreamOut[]; nextToken?: string } = { logStreams: page.map((s) => this.streamOut(g, s)) };
    if (rows.length > limit) {
      const last = page[page.length - 1]!;
      out.nextToken = encodeCursor('streams', { name: last.name, lastEvent: last.last_event ?? 0 });
    }
    return out;
  }

  // ------------------------------------------------------------------ events

  putLogEvents(
    scope: Scope,
    input: {
      logGroupName?: string;
      logStreamName?: string;
      logEvents?: ReadonlyArray<{ timestamp?: number; message?: string }>;
      sequenceToken?: string;
    },
  ): {
    nextSequenceToken?: string;
    rejectedLogEventsInfo?: { tooNewLogEventStartIndex?: number; tooOldLogEventEndIndex?: number; expiredLogEventEndIndex?: number };
  } {
    const v = new Violations();
    if (v.required(input.logGroupName, 'logGroupName')) this.checkGroupName(v, input.logGroupName!, 'logGroupName');
    if (v.required(input.logStreamName, 'logStreamName')) this.checkStreamName(v, input.logStreamName!, 'logStreamName');
    if (v.required(input.logEvents, 'logEvents')) {
      v.count(input.logEvents, 'logEvents', 1, 10_000);
      input.logEvents!.forEach((e, i) => {
        const at = `logEvents.${i + 1}.member`;
        if (v.required(e.timestamp, `${at}.timestamp`)) v.range(e.timestamp, `${at}.timestamp`, 0, MAX_TS);
        if (v.required(e.message, `${at}.message`)) v.length(e.message, `${at}.message`, 1, Number.MAX_SAFE_INTEGER);
      });
    }
    throwIf(v);
    const events = input.logEvents as ReadonlyArray<{ timestamp: number; message: string }>;

    let bytes = 0;
    for (const e of events) bytes += Buffer.byteLength(e.message, 'utf8') + EVENT_OVERHEAD;
    if (bytes > MAX_BATCH_BYTES) {
      throw InvalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
    }
    for (let i = 1; i < events.length; i++) {
      if (events[i]!.timestamp < events[i - 1]!.timestamp) {
        throw InvalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
      }
    }

    this.sink.flush();
    return this.repo.transaction(() => {
      const g = this.requireGroup(scope, input.logGroupName!);
      const s = this.requireStream(g, input.logStreamName!);
      const now = this.now();
      // Sorted by time, so rejected events form a prefix (too old / expired) and a suffix (too new).
      const tooOldBefore = now - FOURTEEN_DAYS;
      const expiredBefore = g.retention_days !== null ? now - g.retention_days * ONE_DAY : MIN_TS;
      const tooNewAfter = now + TWO_HOURS;
      let tooOldEnd = 0;
      while (tooOldEnd < events.length && events[tooOldEnd]!.timestamp < tooOldBefore) tooOldEnd++;
      let expiredEnd = tooOldEnd;
      while (expiredEnd < events.length && events[expiredEnd]!.timestamp < expiredBefore) expiredEnd++;
      let tooNewStart = events.length;
      while (tooNewStart > expiredEnd && events[tooNewStart - 1]!.timestamp > tooNewAfter) tooNewStart--;
      const accepted = events.slice(expiredEnd, tooNewStart);
      if (accepted.length > 1 && accepted[accepted.length - 1]!.timestamp - accepted[0]!.timestamp > ONE_DAY) {
        throw InvalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
      }
      let lastId = s.last_event_id ?? 0;
      if (accepted.length > 0) lastId = this.repo.appendEvents(g.id, s.id, accepted, now);
      const out: ReturnType<LogsCore['putLogEvents']> = { nextSequenceToken: sequenceToken(lastId) };
      const rejected: NonNullable<typeof out.rejectedLogEventsInfo> = {};
      if (tooOldEnd > 0) rejected.tooOldLogEventEndIndex = tooOldEnd;
      if (expiredEnd > tooOldEnd) rejected.expiredLogEventEndIndex = expiredEnd;
      if (tooNewStart < events.length) rejected.tooNewLogEventStartIndex = tooNewStart;
      if (Object.keys(rejected).length > 0) out.rejectedLogEventsInfo = rejected;
      return out;
    });
  }

  getLogEvents(
    scope: Scope,
    input: GroupRef & {
      logStreamName?: string;
      startTime?: number;
      endTime?: number;
      nextToken?: string;
      limit?: number;
      startFromHead?: boolean;
    },
  ): { events: OutputLogEvent[]; nextForwardToken: string; nextBackwardToken: string } {
    const v = new Violations();
    this.checkGroupRef(v, input);
    if (v.required(input.logStreamName, 'logStreamName')) this.checkStreamName(v, input.logStreamName!, 'logStreamName');
    v.range(input.startTime, 'startTime', 0, MAX_TS);
    v.range(input.endTime, 'endTime', 0, MAX_TS);
    v.range(input.limit, 'limit', 1, 10_000);
    v.length(input.nextToken, 'nextToken', 1, Number.MAX_SAFE_INTEGER);
    throwIf(v);
    const token = input.nextToken !== undefined ? parseStreamToken(input.nextToken) : undefined;
    this.sink.flush();
    const g = this.resolveGroupRef(scope, input);
    const s = this.requireStream(g, input.logStreamName!);

    const forward = token ? token.forward : input.startFromHead ?? false;
    const cursor: EventKey = token ? token.key : forward ? { ts: MIN_TS, id: 0 } : { ts: MAX_TS, id: 0 };
    const rows = this.repo.readStream(s.id, {
      cursor,
      forward,
      start: input.startTime ?? MIN_TS,
      end: input.endTime ?? MAX_TS, // endTime is exclusive for GetLogEvents
      limit: input.limit ?? 10_000,
    });
    const kept = capBytes(rows);
    if (!forward) kept.reverse();
    const events = kept.map((r) => ({ timestamp: r.ts, message: r.message, ingestionTime: r.ingested }));
    if (kept.length > 0) {
      const first = kept[0]!;
      const last = kept[kept.length - 1]!;
      return {
        events,
        nextForwardToken: streamToken(true, { ts: last.ts, id: last.id }),
        nextBackwardToken: streamToken(false, { ts: first.ts, id: first.id }),
      };
    }
    // Nothing (more) in this direction: AWS hands back the token it was given, so a client that
    // polls with nextForwardToken sees the same token and knows it reached the end for now.
    const here = token ? token.key : { ts: 0, id: 0 };
    return {
      events,
      nextForwardToken: token?.forward ? input.nextToken! : streamToken(true, here),
      nextBackwardToken: token && !token.forward ? input.nextToken! : streamToken(false, here),
    };
  }

  filterLogEvents(
    scope: Scope,
    input: GroupRef & {
      logStreamNames?: string[];
      logStreamNamePrefix?: string;
      startTime?: number;
      endTime?: number;
      filterPattern?: string;
      nextToken?: string;
      limit?: number;
      interleaved?: boolean;
    },
  ): { events: FilteredLogEvent[]; searchedLogStreams: never[]; nextToken?: string } {
    const v = new Violations();
    this.checkGroupRef(v, input);
    v.count(input.logStreamNames, 'logStreamNames', 1, 100);
    input.logStreamNames?.forEach((n, i) => this.checkStreamName(v, n, `logStreamNames.${i + 1}.member`));
    v.length(input.logStreamNamePrefix, 'logStreamNamePrefix', 1, 512);
    v.pattern(input.logStreamNamePrefix, 'logStreamNamePrefix', STREAM_NAME.re, STREAM_NAME.src);
    v.range(input.startTime, 'startTime', 0, MAX_TS);
    v.range(input.endTime, 'endTime', 0, MAX_TS);
    v.length(input.filterPattern, 'filterPattern', 0, 1024);
    v.range(input.limit, 'limit', 1, 10_000);
    v.length(input.nextToken, 'nextToken', 1, Number.MAX_SAFE_INTEGER);
    throwIf(v);
    if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
      throw InvalidParameter('You cannot specify both LogStreamNames and LogStreamNamePrefix.');
    }
    const matches = compileFilterPattern(input.filterPattern);
    let cursor: EventKey =
      input.nextToken !== undefined ? decodeCursor('filter', input.nextToken, isEventKey) : { ts: MIN_TS, id: 0 };
    this.sink.flush();
    const g = this.resolveGroupRef(scope, input);
    const names = this.repo.streamNames(g.id);

    let streamIds: number[] | undefined;
    if (input.logStreamNames !== undefined) {
      const wanted = new Set(input.logStreamNames);
      streamIds = [...names].filter(([, n]) => wanted.has(n)).map(([id]) => id);
    } else if (input.logStreamNamePrefix !== undefined) {
      const prefix = input.logStreamNamePrefix;
      streamIds = [...names].filter(([, n]) => n.startsWith(prefix)).map(([id]) => id);
    }

    const limit = input.limit ?? 10_000;
    const events: FilteredLogEvent[] = [];
    const out: { events: FilteredLogEvent[]; searchedLogStreams: never[]; nextToken?: string } = {
      events,
      searchedLogStreams: [],
    };
    if (streamIds !== undefined && streamIds.length === 0) return out;
    let scanned = 0;
    let bytes = 0;
    for (;;) {
      const rows = this.repo.scanGroup(g.id, {
        cursor,
        start: input.startTime ?? MIN_TS,
        end: input.endTime ?? MAX_TS,
        streamIds,
        limit: SCAN_CHUNK,
      });
      for (const r of rows) {
        cursor = { ts: r.ts, id: r.id };
        scanned++;
        if (!matches(r.message)) continue;
        events.push({
          logStreamName: names.get(r.stream_id) ?? '',
          timestamp: r.ts,
          message: r.message,
          ingestionTime: r.ingested,
          eventId: eventId(cursor),
        });
        bytes += Buffer.byteLength(r.message, 'utf8') + EVENT_OVERHEAD;
        if (events.length >= limit || bytes >= MAX_RESPONSE_BYTES) {
          out.nextToken = encodeCursor('filter', cursor);
          return out;
        }
      }
      if (rows.length < SCAN_CHUNK) return out; // searched everything
      if (scanned >= SCAN_BUDGET) {
        // Like AWS, a long search returns what it has so far and a token to continue.
        out.nextToken = encodeCursor('filter', cursor);
        return out;
      }
    }
  }

  // ------------------------------------------------------------------ tags

  tagResource(scope: Scope, input: { resourceArn?: string; tags?: Record<string, string> }): Record<string, never> {
    const v = new Violations();
    this.checkArn(v, input.resourceArn);
    if (v.required(input.tags, 'tags')) this.checkTags(v, input.tags!, 'tags');
    throwIf(v);
    this.sink.flush();
    this.repo.transaction(() => this.addTags(this.groupByArn(scope, input.resourceArn!), input.tags!));
    return {};
  }

  untagResource(scope: Scope, input: { resourceArn?: string; tagKeys?: string[] }): Record<string, never> {
    const v = new Violations();
    this.checkArn(v, input.resourceArn);
    if (v.required(input.tagKeys, 'tagKeys')) this.checkTagKeys(v, input.tagKeys!, 'tagKeys');
    throwIf(v);
    this.sink.flush();
    this.repo.transaction(() => this.repo.deleteTags(this.groupByArn(scope, input.resourceArn!).id, input.tagKeys!));
    return {};
  }

  listTagsForResource(scope: Scope, input: { resourceArn?: string }): { tags: Record<string, string> } {
    const v = new Violations();
    this.checkArn(v, input.resourceArn);
    throwIf(v);
    this.sink.flush();
    return { tags: this.repo.tags(this.groupByArn(scope, input.resourceArn!).id) };
  }

  tagLogGroup(scope: Scope, input: { logGroupName?: string; tags?: Record<string, string> }): Record<string, never> {
    const v = new Violations();
    if (v.required(input.logGroupName, 'logGroupName')) this.checkGroupName(v, input.logGroupName!, 'logGroupName');
    if (v.required(input.tags, 'tags')) this.checkTags(v, input.tags!, 'tags');
    throwIf(v);
    this.sink.flush();
    this.repo.transaction(() => this.addTags(this.requireGroup(scope, input.logGroupName!), input.tags!));
    return {};
  }

  untagLogGroup(scope: Scope, input: { logGroupName?: string; tags?: string[] }): Record<string, never> {
    const v = new Violations();
    if (v.required(input.logGroupName, 'logGroupName')) this.checkGroupName(v, input.logGroupName!, 'logGroupName');
    if (v.required(input.tags, 'tags')) this.checkTagKeys(v, input.tags!, 'tags');
    throwIf(v);
    this.sink.flush();
    this.repo.transaction(() => this.repo.deleteTags(this.requireGroup(scope, input.logGroupName!).id, input.tags!));
    return {};
  }

  listTagsLogGroup(scope: Scope, input: { logGroupName?: string }): { tags: Record<string, string> } {
    const v = new Violations();
    if (v.required(input.logGroupName, 'logGroupName')) this.checkGroupName(v, input.logGroupName!, 'logGroupName');
    throwIf(v);
    this.sink.flush();
    return { tags: this.repo.tags(this.requireGroup(scope, input.logGroupName!).id) };
  }

  /** Deletes events past each group's retention (AWS does this in the background too). */
  purgeExpired(): number {
    this.sink.flush();
    return this.repo.purgeExpired(this.now());
  }

  // ------------------------------------------------------------------ helpers

  private addTags(g: GroupRow, tags: Record<string, string>): void {
    const existing = this.repo.tags(g.id);
    const total = new Set([...Object.keys(existing), ...Object.keys(tags)]).size;
    if (total > 50) throw TooManyTags('A resource can have no more than 50 tags.', { fields: { resourceName: groupArn(g) } });
    this.repo.putTags(g.id, tags);
  }

  private requireGroup(scope: Scope, name: string): GroupRow {
    const g = this.repo.findGroup(scope.accountId, scope.region, name);
    if (!g) throw ResourceNotFound(MSG.groupMissing);
    return g;
  }

  private requireStream(g: GroupRow, name: string): StreamRow {
    const s = this.repo.findStream(g.id, name);
    if (!s) throw ResourceNotFound(MSG.streamMissing);
    return s;
  }

  private resolveGroupRef(scope: Scope, ref: GroupRef): GroupRow {
    if (ref.logGroupName !== undefined) return this.requireGroup(scope, ref.logGroupName);
    const id = ref.logGroupIdentifier!;
    if (!id.startsWith('arn:')) return this.requireGroup(scope, id);
    return this.groupByArn(scope, id);
  }

  private groupByArn(scope: Scope, arn: string): GroupRow {
    const m = GROUP_ARN.exec(arn);
    if (!m) throw InvalidParameter(`Invalid resource arn: ${arn}`);
    if (m[1] !== scope.region || m[2] !== scope.accountId) throw ResourceNotFound(MSG.groupMissing);
    return this.requireGroup(scope, m[3]!);
  }

  private checkGroupRef(v: Violations, ref: GroupRef): void {
    if (ref.logGroupName !== undefined && ref.logGroupIdentifier !== undefined) {
      throw InvalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    }
    if (ref.logGroupName !== undefined) this.checkGroupName(v, ref.logGroupName, 'logGroupName');
    else if (ref.logGroupIdentifier !== undefined) {
      v.length(ref.logGroupIdentifier, 'logGroupIdentifier', 1, 2048);
      v.pattern(ref.logGroupIdentifier, 'logGroupIdentifier', GROUP_IDENTIFIER.re, GROUP_IDENTIFIER.src);
    } else {
      throw InvalidParameter('Should provide either name or ARN of the log group.');
    }
  }

  private checkGroupName(v: Violations, name: string, at: string): void {
    v.length(name, at, 1, 512);
    v.pattern(name, at, GROUP_NAME.re, GROUP_NAME.src);
  }

  private checkStreamName(v: Violations, name: string, at: string): void {
    v.length(name, at, 1, 512);
    v.pattern(name, at, STREAM_NAME.re, STREAM_NAME.src);
  }

  private checkArn(v: Violations, arn: string | undefined): void {
    if (!v.required(arn, 'resourceArn')) return;
    v.length(arn, 'resourceArn', 1, 1011);
    v.pattern(arn, 'resourceArn', RESOURCE_ARN.re, RESOURCE_ARN.src);
  }

  private checkTags(v: Violations, tags: Record<string, string>, at: string): void {
    const keys = Object.keys(tags);
    v.count(keys, at, 1, 50);
    for (const k of keys) {
      v.length(k, `${at}.key`, 1, 128);
      v.pattern(k, `${at}.key`, TAG_KEY.re, TAG_KEY.src);
      v.length(tags[k], `${at}.${k}.value`, 0, 256);
      v.pattern(tags[k], `${at}.${k}.value`, TAG_VALUE.re, TAG_VALUE.src);
    }
    if (v.empty && keys.some((k) => k.toLowerCase().startsWith('aws:'))) {
      throw InvalidParameter('Tag keys prefixed with aws: are reserved for AWS use.');
    }
  }

  private checkTagKeys(v: Violations, keys: string[], at: string): void {
    v.count(keys, at, 1, 50);
    keys.forEach((k, i) => {
      v.length(k, `${at}.${i + 1}.member`, 1, 128);
      v.pattern(k, `${at}.${i + 1}.member`, TAG_KEY.re, TAG_KEY.src);
    });
  }

  private groupOut(g: GroupRow): LogGroupOut {
    const out: LogGroupOut = {
      logGroupName: g.name,
      creationTime: g.created,
      metricFilterCount: 0,
      arn: groupArn(g) + ':*',
      storedBytes: g.stored_bytes,
      logGroupClass: g.log_group_class,
      logGroupArn: groupArn(g),
    };
    if (g.retention_days !== null) out.retentionInDays = g.retention_days;
    if (g.kms_key_id !== null) out.kmsKeyId = g.kms_key_id;
    return out;
  }

  private streamOut(g: GroupRow, s: StreamRow): LogStreamOut {
    const out: LogStreamOut = {
      logStreamName: s.name,
      creationTime: s.created,
      arn: `${groupArn(g)}:log-stream:${s.name}`,
      // Deprecated by AWS in 2019 and always 0 there.
      storedBytes: 0,
    };
    if (s.first_event !== null) out.firstEventTimestamp = s.first_event;
    if (s.last_event !== null) out.lastEventTimestamp = s.last_event;
    if (s.last_ingestion !== null) out.lastIngestionTime = s.last_ingestion;
    if (s.last_event_id !== null) out.uploadSequenceToken = sequenceToken(s.last_event_id);
    return out;
  }
}

function groupArn(g: GroupRow): string {
  return `arn:aws:logs:${g.region}:${g.account}:log-group:${g.name}`;
}

function sequenceToken(lastEventId: number): string {
  // The sequence token is ignored by AWS since 2023 but still returned; keep its numeric shape.
  return '49' + String(lastEventId).padStart(54, '0');
}

function throwIf(v: Violations): void {
  const message = v.message();
  if (message !== undefined) throw InvalidParameter(message);
}

/** Keeps events (nearest to the cursor first) while the reply stays within 1 MB. */
function capBytes(rows: EventRow[]): EventRow[] {
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    bytes += Buffer.byteLength(rows[i]!.message, 'utf8') + EVENT_OVERHEAD;
    if (bytes > MAX_RESPONSE_BYTES && i > 0) return rows.slice(0, i);
  }
  return rows;
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

function isStreamCursor(v: unknown): v is { name: string; lastEvent: number } {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.name === 'string' && Number.isSafeInteger(o.lastEvent);
}
