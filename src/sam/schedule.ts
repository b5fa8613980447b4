// The schedule-expression parser lives with EventBridge (src/events/schedule.ts); SAM re-exports it
// so there is one implementation.
export { parseSchedule, nextFire, ScheduleError, type Schedule } from '../events/schedule.js';
