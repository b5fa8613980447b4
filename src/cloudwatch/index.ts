// CloudWatch for Nimbus: Logs (awsJson1.1, `logs`) and metrics (`monitoring`). Other services reach
// CloudWatch only through this module.
export { createLogsService, type LogsService } from './logs/service.js';
export type { LogsCore as LogQueries, Scope as LogScope } from './logs/core.js';
export { compileFilterPattern } from './logs/filter-pattern.js';
