import { badRequest, GraphFailure } from './graphFailure';
import type { SimulatedUser } from './simulatorSeed';

/**
 * The slice of OData `$filter` the bot uses on users: `mail`, `userPrincipalName` and `id`
 * compared with `eq`, `id in (…)` with at most 15 values (Graph's limit), combined with `and` /
 * `or` and parentheses. Anything else is refused the way Graph refuses what it cannot run, so
 * code that works here does not rely on more than Graph offers.
 */

type FilterableProperty = 'mail' | 'userPrincipalName' | 'id';

/** Graph refuses a filter with more expressions than this in an `in` or a chain of `or`. */
const maxInValues = 15;

type FilterNode =
  | { kind: 'eq'; property: FilterableProperty; value: string }
  | { kind: 'in'; property: FilterableProperty; values: string[] }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode };

type Token =
  | { kind: 'word'; text: string; position: number }
  | { kind: 'string'; value: string; position: number }
  | { kind: 'open' | 'close' | 'comma'; position: number };

type UserPredicate = (user: SimulatedUser) => boolean;

export function parseUserFilter(expression: string): UserPredicate {
  const parser = new FilterParser(expression);
  const node = parser.parse();
  return (user) => evaluate(node, user);
}

function evaluate(node: FilterNode, user: SimulatedUser): boolean {
  switch (node.kind) {
    case 'eq': {
      const actual = user[node.property];
      // Graph compares these string properties case-insensitively.
      return actual !== undefined && actual.toLowerCase() === node.value.toLowerCase();
    }
    case 'in': {
      const actual = user[node.property]?.toLowerCase();
      return actual !== undefined && node.values.some((value) => value.toLowerCase() === actual);
    }
    case 'and':
      return evaluate(node.left, user) && evaluate(node.right, user);
    case 'or':
      return evaluate(node.left, user) || evaluate(node.right, user);
  }
}

const filterableProperties: ReadonlyMap<string, FilterableProperty> = new Map([
  ['mail', 'mail'],
  ['userprincipalname', 'userPrincipalName'],
  ['id', 'id'],
]);

class FilterParser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly expression: string) {
    this.tokens = tokenize(expression);
  }

  parse(): FilterNode {
    if (this.tokens.length === 0) {
      throw badRequest(`Invalid filter clause: The query specified in the URI is not valid.`);
    }
    const node = this.parseOr();
    const rest = this.tokens[this.index];
    if (rest !== undefined) {
      throw this.syntaxError(rest.position);
    }
    return node;
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.nextIsWord('or')) {
      this.index += 1;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseComparison();
    while (this.nextIsWord('and')) {
      this.index += 1;
      left = { kind: 'and', left, right: this.parseComparison() };
    }
    return left;
  }

  private parseComparison(): FilterNode {
    const token = this.take();
    if (token.kind === 'open') {
      const inner = this.parseOr();
      const close = this.take();
      if (close.kind !== 'close') {
        throw this.syntaxError(close.position);
      }
      return inner;
    }
    if (token.kind !== 'word') {
      throw this.syntaxError(token.position);
    }
    const property = filterableProperties.get(token.text.toLowerCase());
    const operator = this.take();
    if (property !== undefined && operator.kind === 'word' && operator.text === 'in') {
      return { kind: 'in', property, values: this.parseList() };
    }
    const value = this.take();
    if (property === undefined || operator.kind !== 'word' || operator.text !== 'eq' || value.kind !== 'string') {
      throw new GraphFailure(
        400,
        'Request_UnsupportedQuery',
        `Unsupported or invalid query filter clause specified for property '${token.text}' of resource 'User'.`,
      );
    }
    return { kind: 'eq', property, value: value.value };
  }

  /** `('a', 'b', …)` after `in`. */
  private parseList(): string[] {
    const open = this.take();
    if (open.kind !== 'open') throw this.syntaxError(open.position);
    const values: string[] = [];
    for (;;) {
      const value = this.take();
      if (value.kind !== 'string') throw this.syntaxError(value.position);
      values.push(value.value);
      const next = this.take();
      if (next.kind === 'close') break;
      if (next.kind !== 'comma') throw this.syntaxError(next.position);
    }
    if (values.length > maxInValues) {
      throw new GraphFailure(
        400,
        'Request_UnsupportedQuery',
        `Too many child clauses specified in search filter expression containing 'OR' operators: ${values.length}. Max allowed: ${maxInValues}.`,
      );
    }
    return values;
  }

  private nextIsWord(text: string): boolean {
    const token = this.tokens[this.index];
    return token?.kind === 'word' && token.text === text;
  }

  private take(): Token {
    const token = this.tokens[this.index];
    if (token === undefined) {
      throw this.syntaxError(this.expression.length);
    }
    this.index += 1;
    return token;
  }

  private syntaxError(position: number): GraphFailure {
    return badRequest(`Invalid filter clause: Syntax error at position ${position} in '${this.expression}'.`);
  }
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < expression.length) {
    const char = expression.charAt(position);
    if (/\s/.test(char)) {
      position += 1;
    } else if (char === '(' || char === ')' || char === ',') {
      // Commas only occur in function calls, which are refused as unsupported rather than as bad syntax.
      tokens.push({ kind: char === '(' ? 'open' : char === ')' ? 'close' : 'comma', position });
      position += 1;
    } else if (char === "'") {
      const start = position;
      let value = '';
      position += 1;
      for (;;) {
        if (position >= expression.length) {
          throw badRequest(`Invalid filter clause: There is an unterminated string literal at position ${start} in '${expression}'.`);
        }
        const next = expression.charAt(position);
        if (next === "'" && expression.charAt(position + 1) === "'") {
          value += "'";
          position += 2;
        } else if (next === "'") {
          position += 1;
          break;
        } else {
          value += next;
          position += 1;
        }
      }
      tokens.push({ kind: 'string', value, position: start });
    } else {
      const match = /^[A-Za-z_$][\w./$]*/.exec(expression.slice(position));
      if (match === null) {
        throw badRequest(`Invalid filter clause: Syntax error at position ${position} in '${expression}'.`);
      }
      tokens.push({ kind: 'word', text: match[0], position });
      position += match[0].length;
    }
  }
  return tokens;
}
