import type { MessageSchema } from './en';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends string ? string : DeepPartial<T[K]> };

/** What a catalog other than English may hold: English's keys only (the completeness test asks for all). */
export type CatalogOf = DeepPartial<MessageSchema>;
