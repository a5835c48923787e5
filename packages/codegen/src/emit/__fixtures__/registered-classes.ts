// The entity classes generated code declares, registered from an IR the way it registers them, minus the types.
import {
  Entity,
  type EntityClass,
  EntityRegistry,
  registerEntity,
  type SchemaIR,
  withRegistry,
} from '@parquetframe/runtime'

/** One class per entity of `ir`, registered in a fresh registry with its relations' targets, by entity name. */
export function registerClasses(ir: SchemaIR): Map<string, EntityClass<Entity>> {
  const out = new Map<string, EntityClass<Entity>>()
  for (const e of ir.entities)
    out.set(e.name, { [e.name]: class extends Entity {} }[e.name] as EntityClass<Entity>)
  withRegistry(new EntityRegistry(), () => {
    for (const e of ir.entities) {
      const relationTargets = Object.fromEntries(
        e.relations.map((r) => [r.name, () => out.get(r.target) as EntityClass<Entity>]),
      )
      registerEntity(out.get(e.name) as EntityClass<Entity>, e, ir.enums, { relationTargets })
    }
  })
  return out
}
