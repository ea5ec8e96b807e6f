/**
 * restify 11 reads `process.binding('http_parser')`, which Node reports as deprecated (DEP0111) on
 * every start, twice: a warning the operator can do nothing about, next to the lines that matter.
 * That one warning is dropped; every other warning is reported as before. Imported before restify
 * by the entry point and by the server module, whichever loads first; the second import is a no-op.
 */
const emitWarning = process.emitWarning.bind(process);

process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const [typeOrOptions, code] = rest;
  const warningCode = typeof typeOrOptions === 'object' && typeOrOptions !== null ? (typeOrOptions as { code?: unknown }).code : code;
  const text = typeof warning === 'string' ? warning : warning.message;
  if (warningCode === 'DEP0111' && text.includes("process.binding('http_parser')")) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
