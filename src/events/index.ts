// EventBridge for Nimbus (event buses; pattern and scheduled rules with Lambda and Step Functions targets). Reached only through this module.
export { createEventsService, type EventsOptions } from './service.js';
export { parseSchedule, nextFire, ScheduleError, type Schedule } from './schedule.js';
