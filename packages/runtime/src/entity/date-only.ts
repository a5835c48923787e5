/** The brand key of `DateOnly` (a type-level marker: no value ever holds it). */
export const DATE_ONLY: unique symbol = Symbol('parquetframe.dateOnly')

/**
 * The TypeScript type of a date-only field (`@field('date')`, `Date` in a .pfschema): 'YYYY-MM-DD' text. Any
 * string is assignable to it and it reads as a string; the brand only tells the query types that the field is a
 * date, so `where` offers comparisons but not text matching (`contains`, `startsWith`, `endsWith`).
 */
export type DateOnly = string & { readonly [DATE_ONLY]?: 'date' }
