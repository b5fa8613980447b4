// Logs search: one filter pattern across many log groups (CloudWatch's FilterLogEvents per group,
// merged newest first), in process through the Logs service.
import { compileFilterPattern } from '../../cloudwatch/index.js';
import type { ConsoleDeps } from '../deps.js';
import { BadRequest } from '../errors.js';
import { Body } from '../input.js';
import type { Router } from '../router.js';
import { readLogEvents, scopeOf } from './functions.js';

const MAX_GROUPS = 50;
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

export function registerLogRoutes(router: Router, deps: ConsoleDeps): void {
  router.on('GET', 'logs/groups', (ctx) => {
    const prefix = ctx.query.get('prefix') || undefined;
    if (prefix !== undefined && !GROUP_NAME.test(prefix)) throw BadRequest('Malformed log group prefix');
    const scope = scopeOf(ctx);
    const groups: Array<{ logGroupName: string; storedBytes: number; creationTime: number; retentionInDays?: number }> = [];
    let nextToken: string | undefined;
    do {
      const page = deps.logs.describeLogGroups(scope, { ...(prefix ? { logGroupNamePrefix: prefix } : {}), ...(nextToken ? { nextToken } : {}) });
      for (const g of page.logGroups) {
        groups.push({
          logGroupName: g.logGroupName, storedBytes: g.storedBytes, creationTime: g.creationTime,
          ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
        });
      }
      nextToken = page.nextToken;
    } while (nextToken && groups.length < 1000);
    return { logGroups: groups };
  });

  router.on('POST', 'logs/search', async (ctx) => {
    const scope = scopeOf(ctx);
    const body = await Body.read(ctx);
    const pattern = body.str('filterPattern', false, { max: 1024 }) ?? '';
    const startTime = body.int('startTime', 0, Number.MAX_SAFE_INTEGER);
    const endTime = body.int('endTime', 0, Number.MAX_SAFE_INTEGER);
    const limit = body.int('limit', 1, 10_000) ?? 500;
    let groups = body.strList('logGroupNames', MAX_GROUPS);
    if (groups) {
      for (const g of groups) if (!GROUP_NAME.test(g)) throw BadRequest(`Malformed log group name: ${g}`);
    }
    if (pattern !== '') {
      // Reject a bad pattern once, with the parser's own message, before touching any group.
      try {
        compileFilterPattern(pattern);
      } catch (err) {
        throw BadRequest(err instanceof Error ? err.message : 'Invalid filter pattern');
      }
    }
    if (!groups || groups.length === 0) {
      groups = deps.logs.describeLogGroups(scope, { limit: MAX_GROUPS }).logGroups.map((g) => g.logGroupName);
    }
    const results: Array<{ logGroupName: string; logStreamName: string; timestamp: number; message: string; eventId: string }> = [];
    let truncated = false;
    for (const group of groups) {
      const r = readLogEvents(deps, scope, group, {
        ...(pattern ? { filterPattern: pattern } : {}),
        ...(startTime !== undefined ? { startTime } : {}),
        ...(endTime !== undefined ? { endTime } : {}),
      }, limit);
      truncated ||= r.truncated;
      for (const e of r.events) {
        results.push({ logGroupName: group, logStreamName: e.logStreamName, timestamp: e.timestamp, message: e.message, eventId: e.eventId });
      }
    }
    results.sort((a, b) => b.timestamp - a.timestamp || (a.eventId < b.eventId ? 1 : -1));
    if (results.length > limit) truncated = true;
    return { searchedLogGroups: groups, events: results.slice(0, limit), truncated };
  });
}
