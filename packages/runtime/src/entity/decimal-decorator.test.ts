// Decorated classes declare a Decimal's precision and scale as field options; the IR always carries them.
import { describe, expect, it } from 'vitest'
import * as pf from './index.js'

/** Applies standard decorators by hand (what the compiler emits): field decorators, then the class decorator. */
function declare(name: string, fields: Record<string, pf.FieldDecorator[]>): pf.EntityClass {
  const metadata: DecoratorMetadataObject = {}
  const Model = { [name]: class extends pf.Entity {} }[name] as pf.EntityClass
  for (const [field, decorators] of Object.entries(fields))
    for (const decorator of decorators)
      (decorator as (v: undefined, c: ClassFieldDecoratorContext) => void)(undefined, {
        kind: 'field',
        name: field,
        metadata,
        static: false,
        private: false,
      } as unknown as ClassFieldDecoratorContext)
  return (pf.entity() as (v: pf.EntityClass, c: ClassDecoratorContext) => pf.EntityClass)(Model, {
    kind: 'class',
    name,
    metadata,
  } as unknown as ClassDecoratorContext)
}

describe("@field('decimal', { precision, scale })", () => {
  it('carries the declared precision and scale, SQL defaults otherwise', () => {
    pf.withRegistry(new pf.EntityRegistry(), () => {
      const Order = declare('Order', {
        id: [pf.id('int')],
        price: [pf.field('decimal', { precision: 10, scale: 2 })],
        whole: [pf.field({ type: 'decimal?', precision: 12 })],
        any: [pf.field('decimal')],
        list: [pf.field(pf.listOf('decimal'), { precision: 5, scale: 1 })],
      })
      expect(pf.entityIR(Order).fields.map((f) => f.type)).toEqual([
        { kind: 'scalar', name: 'Int' },
        { kind: 'scalar', name: 'Decimal', precision: 10, scale: 2 },
        { kind: 'scalar', name: 'Decimal', precision: 12, scale: 0 },
        { kind: 'scalar', name: 'Decimal', precision: 38, scale: 18 },
        { kind: 'list', element: { kind: 'scalar', name: 'Decimal', precision: 5, scale: 1 } },
      ])
    })
  })

  it('refuses a precision out of range, and precision on another type, with the shared rule codes', () => {
    pf.withRegistry(new pf.EntityRegistry(), () => {
      expect(() =>
        declare('Bad', { id: [pf.id('int')], price: [pf.field('decimal', { precision: 40, scale: 2 })] }),
      ).toThrow(/PF2014.*Bad\.price: Decimal\(40, 2\) has precision 40, not 1\.\.38/)
      expect(() => declare('Worse', { id: [pf.id('int')], n: [pf.field('int', { precision: 3 })] })).toThrow(
        /PF2014.*Worse\.n: Int takes no precision or scale/,
      )
    })
  })
})
