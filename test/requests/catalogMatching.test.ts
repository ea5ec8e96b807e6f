/**
 * Matching a typed answer to the catalog goes through an index built once per catalog. It must
 * read every answer exactly as the plain scan it replaced did: numbers, ids, names, a part of a
 * name, ambiguity, accents and case aside, duplicates collapsed, order kept. The scan is kept here
 * as the reference, and random catalogs full of near-collisions are read both ways.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  type NumberedResource,
  type Resource,
  type ResourceCatalog,
  type ResourceSelection,
  resourcesMatching,
  selectResources,
} from '../../src/requests/catalog';

function folded(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** The plain scan: every part compared with every resource, folding each name every time. */
function scanSelect(catalog: ResourceCatalog, answer: string): ResourceSelection {
  const numbered = catalog.resources.map((resource, index) => ({ number: index + 1, resource }));
  const find = (part: string): NumberedResource[] => {
    if (/^\d+$/.test(part)) return numbered.filter(({ number }) => number === Number(part));
    const wanted = folded(part);
    const exact = numbered.filter(({ resource }) => folded(resource.id) === wanted || folded(resource.name) === wanted);
    if (exact.length > 0) return exact.slice(0, 1);
    return numbered.filter(({ resource }) => folded(resource.name).includes(wanted) || folded(resource.id).includes(wanted));
  };
  const chosen: Resource[] = [];
  const unknown: string[] = [];
  const ambiguous: Array<{ part: string; candidates: NumberedResource[] }> = [];
  for (const part of answer
    .split(/[,;\n]/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)) {
    const found = find(part);
    if (found.length === 0) unknown.push(part);
    else if (found.length > 1) ambiguous.push({ part, candidates: found });
    else if (!chosen.includes(found[0].resource)) chosen.push(found[0].resource);
  }
  if (unknown.length > 0 || ambiguous.length > 0 || chosen.length === 0) return { ok: false, unknown, ambiguous };
  return { ok: true, resources: chosen };
}

function scanMatching(catalog: ResourceCatalog, text: string): NumberedResource[] {
  const wanted = folded(text.trim());
  if (!wanted) return [];
  return catalog.resources
    .map((resource, index) => ({ number: index + 1, resource }))
    .filter(({ resource }) => [resource.name, resource.id, resource.description ?? ''].some((field) => folded(field).includes(wanted)));
}

// Few letters, so names collide, contain each other, and differ only by accent or case.
const letters = fc.constantFrom('a', 'á', 'A', 'Á', 'b', 'e', 'é', 'E', 'n', 'ñ', 'Ñ', ' ', '1', '2', '-');
const word = fc.string({ unit: letters, minLength: 1, maxLength: 6 });
const catalogs = fc
  .uniqueArray(fc.string({ unit: fc.constantFrom('a', 'b', 'e', '1', '-'), minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 25 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.array(word, { minLength: ids.length, maxLength: ids.length }),
      fc.array(fc.option(word), { minLength: ids.length, maxLength: ids.length }),
    ),
  )
  .map(([ids, names, descriptions]): ResourceCatalog => ({
    resources: ids.map((id, i): Resource => ({
      id,
      name: names[i],
      kind: 'group',
      groupId: `g-${i}`,
      ...(descriptions[i] ? { description: descriptions[i] } : {}),
    })),
  }));

/** A part of an answer: a number, an id, a name or a piece of one, retyped in another case, or anything. */
function part(catalog: ResourceCatalog): fc.Arbitrary<string> {
  const { resources } = catalog;
  const field = fc.constantFrom(...resources.flatMap((r) => [r.id, r.name, r.description ?? r.name]));
  return fc.oneof(
    fc.integer({ min: 0, max: resources.length + 2 }).map(String),
    field,
    fc.tuple(field, fc.nat(), fc.nat()).map(([text, from, length]) => text.slice(from % text.length, (from % text.length) + 1 + (length % text.length))),
    field.map((text) => text.toUpperCase()),
    word,
  );
}

const answers = catalogs.chain((catalog) =>
  fc.tuple(
    fc.constant(catalog),
    fc
      .array(fc.tuple(part(catalog), fc.constantFrom(', ', ',', ';', '\n', ' ; ')), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.map(([p, separator]) => p + separator).join('')),
  ),
);

describe('matching an answer to the catalog', () => {
  it('selects exactly what the plain scan selected, for any catalog and answer', () => {
    fc.assert(
      fc.property(answers, ([catalog, answer]) => {
        assert.deepStrictEqual(selectResources(catalog, answer), scanSelect(catalog, answer));
      }),
      { numRuns: 2000 },
    );
  });

  it('searches names, ids and descriptions exactly as the plain scan did', () => {
    fc.assert(
      fc.property(answers, ([catalog, text]) => {
        assert.deepStrictEqual(resourcesMatching(catalog, text), scanMatching(catalog, text));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers from the same catalog again, once indexed, as the first time', () => {
    fc.assert(
      fc.property(answers, ([catalog, answer]) => {
        const first = selectResources(catalog, answer);
        assert.deepStrictEqual(selectResources(catalog, answer), first);
        assert.deepStrictEqual(selectResources({ resources: catalog.resources }, answer), first);
      }),
      { numRuns: 300 },
    );
  });
});
