// EventBridge for Nimbus (scheduled rules with Lambda and Step Functions targets on the default bus). Reached only through this module.
export { createEventsService, type EventsOptions } from './service.js';
export { parseSchedule, nextFire, ScheduleError, type Schedule } from './schedule.js';
