/** Microsoft 365 Agents Toolkit placeholder syntax, kept so the same files work with the Toolkit. */
const PLACEHOLDER = /\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

interface FilledText {
  text: string;
  /** Placeholders the text uses that no value was given for, each named once. */
  unfilled: string[];
}

export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>): FilledText {
  const unfilled = new Set<string>();
  const filled = text.replace(PLACEHOLDER, (match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      unfilled.add(name);
      return match;
    }
    return value;
  });
  return { text: filled, unfilled: [...unfilled] };
}
