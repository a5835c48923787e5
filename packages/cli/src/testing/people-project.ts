// A project whose Person table already holds rows: the starting point of the `pf migrate` tests.
import { parseSchema } from '@parquetframe/codegen'
import { createTable, formatForPath } from '@parquetframe/runtime'
import { PEOPLE_CSV } from './sample-entity.js'
import { type TempProject, tempProject } from './temp-project.js'

/** The schema of `peopleProject`: Person (id Int @id, name String, score Float) stored in ./data/people. */
export const PEOPLE_SCHEMA = `config { storage = "./data" }

entity Person @storage("people") {
  id    Int    @id
  name  String
  score Float
}
`

/** A temp project with `schema.pfschema` (PEOPLE_SCHEMA), `people.csv`, and the Person table holding its 3 rows. */
export async function peopleProject(): Promise<TempProject> {
  const project = await tempProject({ 'schema.pfschema': PEOPLE_SCHEMA, 'people.csv': PEOPLE_CSV })
  const entity = parseSchema(PEOPLE_SCHEMA).ir?.entities[0]
  if (!entity) throw new Error('PEOPLE_SCHEMA does not parse')
  const table = await createTable(project.path('data/people'), { entity })
  await table.append(await formatForPath('people.csv').read(project.path('people.csv')))
  // Its background cache write would race the test's own writes and the folder's removal.
  await table.settled()
  return project
}
