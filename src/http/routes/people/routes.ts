import { z } from 'zod';
import { AppError } from '../../../domain/errors.ts';
import * as people from '../../../services/people.ts';
import { canSeeOrg, requireStaff } from '../../../services/policy.ts';
import { findOrg, findUser, listGroups, listOrgs, listUsers } from '../../../store/repos/people.ts';
import { SESSION_COOKIE } from '../../auth.ts';
import { RateLimiter } from '../../rate-limit.ts';
import { actorOf, type RouteModule } from '../../types.ts';
import { GroupIn, GroupOut, id, LoginIn, OrgIn, OrgOut, presentOrg, presentUser, TokenIn, UserIn, UserOut } from './schema.ts';

const Params = z.object({ id });

export const peopleRoutes: RouteModule = (app, ctx) => {
  app.post('/api/v1/orgs', { schema: { tags: ['people'], body: OrgIn, response: { 201: OrgOut } } }, async (req, reply) => {
    const org = await people.createOrg(ctx, actorOf(req), req.body);
    return reply.status(201).send(presentOrg(org));
  });

  app.get('/api/v1/orgs', { schema: { tags: ['people'], response: { 200: z.object({ items: z.array(OrgOut) }) } } }, async (req) => {
    const actor = actorOf(req);
    const orgs = await listOrgs(ctx.db);
    return { items: orgs.filter((o) => canSeeOrg(actor, o.id)).map(presentOrg) };
  });

  app.get('/api/v1/orgs/:id', { schema: { tags: ['people'], params: Params, response: { 200: OrgOut } } }, async (req) => {
    const org = await findOrg(ctx.db, req.params.id);
    if (!org || !canSeeOrg(actorOf(req), org.id)) throw AppError.notFound('organization');
    return presentOrg(org);
  });

  app.post('/api/v1/users', { schema: { tags: ['people'], body: UserIn, response: { 201: UserOut } } }, async (req, reply) => {
    const user = await people.createUser(ctx, actorOf(req), req.body);
    return reply.status(201).send(presentUser(user));
  });

  app.get(
    '/api/v1/users',
    { schema: { tags: ['people'], querystring: z.object({ orgId: id.optional(), role: z.enum(['admin', 'agent', 'customer']).optional() }), response: { 200: z.object({ items: z.array(UserOut) }) } } },
    async (req) => {
      const actor = actorOf(req);
      if (actor.role === 'customer') {
        // A customer sees the people of its own organization only.
        if (req.query.orgId && req.query.orgId !== actor.orgId) throw AppError.notFound('organization');
        return { items: (await listUsers(ctx.db, { orgId: actor.orgId ?? '', ...(req.query.role ? { role: req.query.role } : {}) })).map(presentUser) };
      }
      return { items: (await listUsers(ctx.db, { ...(req.query.orgId ? { orgId: req.query.orgId } : {}), ...(req.query.role ? { role: req.query.role } : {}) })).map(presentUser) };
    },
  );

  app.get('/api/v1/users/:id', { schema: { tags: ['people'], params: Params, response: { 200: UserOut } } }, async (req) => {
    const actor = actorOf(req);
    const user = await findUser(ctx.db, req.params.id);
    if (!user) throw AppError.notFound('user');
    if (actor.role === 'customer' && user.id !== actor.userId && user.org_id !== actor.orgId) throw AppError.notFound('user');
    return presentUser(user);
  });

  app.post('/api/v1/users/:id/tokens', { schema: { tags: ['people'], params: Params, body: TokenIn, response: { 201: z.object({ token: z.string() }) } } }, async (req, reply) => {
    const actor = actorOf(req);
    if (actor.role !== 'admin' && actor.userId !== req.params.id) {
      // Do not reveal whether another user exists to a customer.
      const target = await findUser(ctx.db, req.params.id);
      if (!target || (actor.role === 'customer' && target.org_id !== actor.orgId)) throw AppError.notFound('user');
    }
    const token = await people.createToken(ctx, actor, req.params.id, req.body.scopes ?? ['api']);
    return reply.status(201).send({ token });
  });

  app.get('/api/v1/groups', { schema: { tags: ['people'], response: { 200: z.object({ items: z.array(GroupOut) }) } } }, async (req) => {
    requireStaff(actorOf(req));
    const groups = await listGroups(ctx.db);
    return { items: groups.map((g) => ({ id: g.id, name: g.name, industry: g.industry, region: g.region, members: g.members })) };
  });

  app.post('/api/v1/groups', { schema: { tags: ['people'], body: GroupIn, response: { 201: GroupOut } } }, async (req, reply) => {
    return reply.status(201).send(await people.createGroup(ctx, actorOf(req), req.body));
  });

  // Web sessions: an httpOnly SameSite cookie, hashed at rest; login is rate-limited per address and handle.
  const perAddress = new RateLimiter(ctx.clock, 30, 15 * 60_000);
  const perHandle = new RateLimiter(ctx.clock, 10, 15 * 60_000);
  app.post('/api/v1/auth/login', { schema: { tags: ['auth'], body: LoginIn, response: { 200: z.object({ user: UserOut }) } } }, async (req, reply) => {
    perAddress.hit(req.ip);
    perHandle.hit(req.body.handle.toLowerCase());
    const { user, sessionToken, expiresAt } = await people.login(ctx, req.body.handle, req.body.password);
    void reply.setCookie(SESSION_COOKIE, sessionToken, { httpOnly: true, sameSite: 'lax', secure: ctx.config.secureCookies, path: '/', expires: expiresAt });
    return { user: presentUser(user) };
  });

  app.post('/api/v1/auth/logout', { schema: { tags: ['auth'], response: { 204: z.null() } } }, async (req, reply) => {
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) await people.logout(ctx, cookie);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/api/v1/me', { schema: { tags: ['auth'], response: { 200: z.object({ user: UserOut, org: OrgOut.nullable() }) } } }, async (req) => {
    const actor = actorOf(req);
    const user = await findUser(ctx.db, actor.userId);
    if (!user) throw AppError.notFound('user');
    const org = user.org_id ? await findOrg(ctx.db, user.org_id) : undefined;
    return { user: presentUser(user), org: org ? presentOrg(org) : null };
  });
};
