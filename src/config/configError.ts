import { OperatorError } from '../operatorError';

/** Every problem found in the settings at once, each naming the setting to fix. */
export class ConfigError extends OperatorError {
  constructor(problems: string[]) {
    super(`The configuration has ${problems.length} problem(s):`, problems);
    this.name = 'ConfigError';
  }
}
