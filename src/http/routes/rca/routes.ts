import { localize } from '../../../domain/rca/index.ts';
import { requireStaff } from '../../../services/policy.ts';
import { actorOf, type RouteModule } from '../../types.ts';
import { LocalizeIn, LocalizeOut, RCA_BODY_LIMIT } from './schema.ts';

/**
 * `POST /api/v1/rca/localize` (contract.md, "Quality incidents"): root-cause localization of a
 * multi-dimensional measure with src/domain/rca — the same localizer every incident uses
 * (src/ingest/rca.ts). Support staff only; nothing is stored.
 */
export const rcaRoutes: RouteModule = (app) => {
  app.post(
    '/api/v1/rca/localize',
    {
      bodyLimit: RCA_BODY_LIMIT,
      // Staff only, decided before the body is validated: a customer learns nothing from its input.
      preValidation: async (req) => {
        requireStaff(actorOf(req));
      },
      schema: { tags: ['incidents'], body: LocalizeIn, response: { 200: LocalizeOut } },
    },
    async (req) => {
      requireStaff(actorOf(req));
      const b = req.body;
      const r = localize({ measure: b.measure, rows: b.rows });
      return { rootCause: r.rootCause, candidates: r.candidates.map((c) => ({ dims: c.dims, score: Math.min(1, Math.max(0, c.score)) })) };
    },
  );
};
