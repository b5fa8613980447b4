// ImportApiKeys: API keys from AWS's CSV key file (`Name` and `Key` columns required, headers
// case-insensitive in any order, optional Description/Enabled/UsagePlanIds; a quoted
// UsagePlanIds cell lists several plans). Importing a key value again overwrites that key.
import { BadRequest } from './errors.js';
import { newId, nowSeconds } from './ids.js';
import { LIMITS, checkAccountCount } from './limits.js';
import type { ApiKey, Scope } from './model.js';
import type { ApiGatewayState } from './state.js';

/** Splits one CSV line; cells may be quoted with double or single quotes. */
function cells(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    const quote = line[i] === '"' || line[i] === "'" ? line[i] : undefined;
    if (quote) {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === quote && line[i + 1] === quote) {
          value += quote;
          i += 2;
        } else if (line[i] === quote) {
          i++;
          break;
        } else value += line[i++];
      }
      out.push(value);
      while (i < line.length && line[i] !== ',') i++;
      i++;
    } else {
      const end = line.indexOf(',', i);
      out.push((end === -1 ? line.slice(i) : line.slice(i, end)).trim());
      i = end === -1 ? line.length + 1 : end + 1;
    }
  }
  return out;
}

export function importApiKeys(state: ApiGatewayState, scope: Scope, body: Buffer, format: string | null, failOnWarnings: boolean): { ids: string[]; warnings: string[] } {
  if (format !== 'csv') throw BadRequest(`Invalid format specified: ${format ?? 'null'}. Only csv is supported`);
  const lines = body.toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw BadRequest('The API key file is empty');
  const header = cells(lines[0]!).map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('name') < 0 || col('key') < 0) throw BadRequest('The API key file must contain the Name and Key columns');
  const warnings: string[] = [];
  const rows = lines.slice(1).map((line, n) => {
    const c = cells(line);
    const get = (name: string) => (col(name) >= 0 ? (c[col(name)] ?? '') : '');
    const key = get('key');
    const name = get('name');
    const row = n + 2;
    if (key.length < 20 || key.length > 128) throw BadRequest(`Invalid API Key value on line ${row}: a key must be between 20 and 128 characters`);
    if (name.length > 1024) throw BadRequest(`Invalid API Key name on line ${row}: a name cannot exceed 1024 characters`);
    const enabledText = get('enabled').toLowerCase();
    if (enabledText !== '' && enabledText !== 'true' && enabledText !== 'false') throw BadRequest(`Invalid Enabled value on line ${row}: ${get('enabled')}`);
    return {
      key,
      name,
      description: get('description'),
      enabled: enabledText !== 'false',
      plans: get('usageplanids').split(',').map((p) => p.trim()).filter(Boolean),
      row,
    };
  });
  return state.mutate(scope, (draft) => {
    const ids: string[] = [];
    for (const r of rows) {
      const existing = [...draft.apiKeys.values()].find((k) => k.value === r.key);
      if (!existing) checkAccountCount(draft.apiKeys.size, LIMITS.apiKeys, 'ApiKeys');
      const now = nowSeconds();
      const id = existing?.id ?? newId();
      const key: ApiKey = {
        id,
        value: r.key,
        name: r.name || id,
        ...(r.description ? { description: r.description } : {}),
        enabled: r.enabled,
        createdDate: existing?.createdDate ?? now,
        lastUpdatedDate: now,
        stageKeys: existing?.stageKeys ?? [],
        tags: existing?.tags ?? {},
      };
      draft.apiKeys.set(id, key);
      for (const planId of r.plans) {
        if (!draft.usagePlans.has(planId)) warnings.push(`Usage plan ${planId} on line ${r.row} does not exist; the key was not added to it`);
        else draft.planKeys.set(`${planId}/${id}`, { usagePlanId: planId, keyId: id });
      }
      ids.push(id);
    }
    if (failOnWarnings && warnings.length) throw BadRequest(`Warnings found during import:\n\t${warnings.join('\n\t')}`);
    draft.emit({ type: 'apiKeysChanged', scope });
    draft.emit({ type: 'usagePlansChanged', scope });
    return { ids, warnings };
  });
}
