/** The pure autoscaling policy of `runner-fleet serve` (SPEC §9): config, schedule, decision. */
export { type AutoscaleConfig, type AutoscaleConfigInput, autoscaleSchema, type ScheduleWindow, validateAutoscale } from "./config.js";
export { type AutoscaleDecision, type AutoscaleInput, type ObservedRunner, type ObservedState, planAutoscale } from "./policy.js";
export { isWindowOpen, minIdleAt } from "./schedule.js";
