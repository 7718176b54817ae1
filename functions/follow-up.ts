import { createFollowUpDependencies, createFollowUpFunction } from '../lib/follow-up/wiring.ts';
import { followUpConfig } from '../lib/platform/config.ts';

/** Scheduled: follows pending payments to their end, and looks again at unknown outcomes while evidence can appear. */
export const handler = createFollowUpFunction(createFollowUpDependencies(followUpConfig()));
