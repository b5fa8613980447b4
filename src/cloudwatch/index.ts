// CloudWatch for Nimbus: Logs (awsJson1.1, service `logs`) and metrics (JSON 1.0 / awsQuery, service
// `monitoring`). Other services reach CloudWatch only through this module.
export { createLogsService, type LogsService } from './logs/service.js';
export type { LogsCore as LogQueries, Scope as LogScope } from './logs/core.js';
export { compileFilterPattern } from './logs/filter-pattern.js';
export { createMetricsService, type MetricsService } from './metrics/service.js';
export type { MetricsStore, MetricSeries, Datapoint, Dimension, DimensionsInput, StatisticsQuery } from './metrics/store.js';
