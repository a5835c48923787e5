import type { EntityData } from '@parquetframe/runtime'

/**
 * What `create` takes for a decorated class: its stored fields, with `Defaulted` ones optional. Decorators cannot
 * tell TypeScript which fields have defaults, so each class says it (`declare readonly [CREATE_INPUT]?: …`);
 * the code `pf generate --classes` writes works this out itself.
 */
export type CreateInputOf<T, Defaulted extends keyof EntityData<T>> = Omit<EntityData<T>, Defaulted> &
  Partial<Pick<EntityData<T>, Defaulted>>
