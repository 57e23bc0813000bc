import type { RouteModule } from '../types.ts';
import { kbRoutes } from './kb/routes.ts';
import { metricsRoutes } from './metrics/routes.ts';
import { oncallRoutes } from './oncall/routes.ts';
import { peopleRoutes } from './people/routes.ts';
import { slaRoutes } from './sla/routes.ts';
import { statusRoutes } from './status/routes.ts';
import { systemRoutes } from './system/routes.ts';
import { ticketRoutes } from './tickets/routes.ts';
import { incidentRoutes } from './incidents/routes.ts';
import { telemetryRoutes } from './telemetry/routes.ts';
import { qualityRoutes } from './quality/routes.ts';
import { rcaRoutes } from './rca/routes.ts';

/** Every route module, registered in this order. Add yours here. */
export const routeModules: RouteModule[] = [systemRoutes, peopleRoutes, ticketRoutes, slaRoutes, metricsRoutes, oncallRoutes, kbRoutes, telemetryRoutes, incidentRoutes, qualityRoutes, rcaRoutes, statusRoutes];
