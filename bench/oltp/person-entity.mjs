// The entity every bench/oltp script measures, declared once: its schema IR and its generated rows.

/** Rows per name: `findBy({ name })` matches this many. */
export const PER_NAME = 100

const scalar = (name) => ({ kind: 'scalar', name })

function field(name, id, type, extra = {}) {
  return {
    name,
    id,
    column: name,
    type,
    optional: false,
    isId: name === 'id',
    unique: false,
    index: false,
    ...extra,
  }
}

/** `Person { id Int @id, name String @index, email String [@unique], age Int, score Float }`. */
export function personIR(name, storage, uniqueEmail) {
  return {
    name,
    storage,
    format: 'parquet',
    primaryKey: ['id'],
    partitionBy: [],
    fields: [
      field('id', 1, scalar('Int')),
      field('name', 2, scalar('String'), { index: true }),
      field('email', 3, scalar('String'), { unique: uniqueEmail }),
      field('age', 4, scalar('Int')),
      field('score', 5, scalar('Float')),
    ],
    relations: [],
    indexes: [['name']],
    uniques: uniqueEmail ? [['email']] : [],
  }
}

/** Row `i` of a table of `rows` rows (names repeat every `rows / PER_NAME` rows). */
export function person(i, rows) {
  return {
    id: i,
    name: `name-${i % Math.max(1, Math.floor(rows / PER_NAME))}`,
    email: `user${i}@example.com`,
    age: 18 + (i % 60),
    score: (i * 7919) % 10_007,
  }
}
