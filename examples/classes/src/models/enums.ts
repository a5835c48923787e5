// Enums as const arrays: one list of values for the decorators (`enumOf`) and the type (a string-literal union).

/** What a user may do. */
export const ROLES = ['ADMIN', 'EDITOR', 'MEMBER'] as const
export type Role = (typeof ROLES)[number]

/** Where a post is in its life. */
export const POST_STATUSES = ['DRAFT', 'PUBLISHED', 'ARCHIVED'] as const
export type PostStatus = (typeof POST_STATUSES)[number]
