/**
 * Fills a card template with data (Adaptive Cards templating). The templating library parses
 * every `${…}` string of the template again on each expansion, with a full expression grammar,
 * which was a tenth of the bot's CPU under load; the templates are the few files in this folder,
 * so each string is parsed once and its parsed expression reused (expressions are not changed by
 * evaluating them).
 */
import { Template } from 'adaptivecards-templating';

const parse = Template.parseInterpolatedString.bind(Template);
const parsed = new Map<string, ReturnType<typeof parse>>();
/** Far above the strings our templates hold; a bound in case a template is built from data. */
const LIMIT = 5000;

Template.parseInterpolatedString = (text: string) => {
  let expression = parsed.get(text);
  if (expression === undefined) {
    expression = parse(text);
    if (parsed.size >= LIMIT) parsed.clear();
    parsed.set(text, expression);
  }
  return expression;
};

export function expandCard<Card = unknown>(template: object, root: object): Card {
  return new Template(template).expand({ $root: root }) as Card;
}
