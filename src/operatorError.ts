/**
 * A problem an operator fixes in the settings or the project's files, not a bug: tools print
 * the message and each problem as sentences instead of a stack trace.
 */
export class OperatorError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length > 0 ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
    this.name = 'OperatorError';
  }
}
