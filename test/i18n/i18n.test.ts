/** English and Spanish say the same things, and commands work in either language. */
import assert from 'node:assert/strict';
import { commandOf, languageOf, translatorFor } from '../../src/i18n';
import en from '../../src/i18n/en.json';
import es from '../../src/i18n/es.json';

function leaves(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, prefix ? `${prefix}.${key}` : key));
}

function placeholders(text: unknown): string[] {
  return [...String(text).matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
}

describe('languages', () => {
  it('has every English text in Spanish, with the same placeholders', () => {
    assert.deepEqual(leaves(es).sort(), leaves(en).sort());
    const get = (root: unknown, path: string) => path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);
    for (const key of leaves(en)) assert.deepEqual(placeholders(get(es, key)), placeholders(get(en, key)), key);
  });

  it('picks the language from the locale, falling back to English', () => {
    assert.deepEqual(['es-MX', 'ES', 'es_ES', 'en-GB', 'fr-FR', undefined].map(languageOf), ['es', 'es', 'es', 'en', 'en', 'en']);
    assert.equal(translatorFor('fr-FR')('approvalCard.approve'), 'Approve');
    assert.equal(translatorFor('es-AR')('approvalCard.approve'), 'Aprobar');
  });

  it('understands commands in either language, whatever the case, accents or punctuation', () => {
    assert.equal(commandOf('Solicitar', ['request', 'help']), 'request');
    assert.equal(commandOf('REQUEST!', ['request']), 'request');
    assert.equal(commandOf('¡Sí!', ['yes', 'no']), 'yes');
    assert.equal(commandOf('si', ['yes', 'no']), 'yes');
    assert.equal(commandOf('Cancelar.', ['cancel']), 'cancel');
    assert.equal(commandOf('request access please', ['request']), undefined);
    assert.equal(commandOf('', ['help']), undefined);
  });
});
