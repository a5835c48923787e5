import type { EntityIR, EnumIR } from '../schema/schema-ir.js'
import {
  currentRegistry,
  type EntityClass,
  type RegisterEntityOptions,
  type RegisteredEntity,
} from './entity-registry.js'
import { relationAccessor } from './relation-accessor.js'

/**
 * Registers a class as an entity from its IR — what generated code calls (decorators call it too). `enums` lists
 * the enums its fields use. Relations get accessor methods on the prototype unless the class defines them.
 * Goes to `defaultRegistry` (or the registry of an enclosing `withRegistry`). Throws EntityDeclarationError.
 */
export function registerEntity(
  ctor: EntityClass,
  ir: EntityIR,
  enums: readonly EnumIR[] = [],
  options: RegisterEntityOptions = {},
): RegisteredEntity {
  const entry = currentRegistry().register(ctor, ir, enums, options)
  const proto = ctor.prototype as Record<string, unknown>
  for (const relation of ir.relations) {
    if (typeof proto[relation.name] === 'function') continue
    Object.defineProperty(proto, relation.name, {
      value: relationAccessor(relation.name),
      writable: true,
      configurable: true,
      enumerable: false,
    })
  }
  return entry
}
