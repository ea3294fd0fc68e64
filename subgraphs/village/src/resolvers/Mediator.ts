import { personal } from '../access.ts';
import type { MediatorResolvers } from '../generated/resolvers.ts';

/** 人民调解员: a mediator; the phone is personal data. */
export const Mediator: MediatorResolvers = {
  id: (m) => String(m.id),
  phone: (m, _, ctx) => personal(ctx, 'Mediator', m.id, 'phone', m.phone),
};
