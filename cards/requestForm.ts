/**
 * The form of the message extension (Teams' "Request guest access" on a message): the request's
 * answers as inputs, each with the problem found with it right under it, so a form sent back
 * keeps everything typed and says what to change where. What people typed goes back into inputs
 * only, never into text the card renders, except through plainText() in the problems.
 */
import type { Translate } from '../src/i18n';
import { expandCard } from './expandCard';
import template from './requestForm.json';

/** The inputs' ids: what a submitted form's data holds. */
export const REQUEST_FORM_INPUTS = ['guests', 'resources', 'period', 'justification', 'sponsor'] as const;
export type RequestFormInput = (typeof REQUEST_FORM_INPUTS)[number];

/** What the action's data says, beside the inputs, so a submission is known for this form's. */
export const REQUEST_FORM_ID = 'requestGuestAccess';

/** The form's inputs as typed (or filled in by the bot); resources are catalog ids. */
export interface RequestFormFields {
  guests: string;
  resourceIds: readonly string[];
  period: string;
  justification: string;
  sponsor: string;
}

/** What is wrong, by input, plus what concerns the whole request (`general`); each in the viewer's language, ready to show. */
export type RequestFormProblems = Partial<Record<RequestFormInput | 'general', string>>;

export interface RequestFormView {
  fields: RequestFormFields;
  problems?: RequestFormProblems;
  /** A hint under the addresses (a sender whose address the bot cannot see). */
  guestsNote?: string;
  /** The resources to choose from in the card itself: the whole catalog, or for a long one the first and the chosen. */
  choices: ReadonlyArray<{ title: string; value: string }>;
  /** Set for a catalog too long to put in the card: the choice set then asks the bot (`application/search`) as the person types. */
  searchDataset?: string;
  /** Longest text each input takes (the same limits the dialog's questions have). */
  limits: Record<Exclude<RequestFormInput, 'resources'>, number>;
  /** For the period's placeholder: the days an empty period gives. */
  defaultDays: number;
  maxGuests: number;
}

/** The Adaptive Card of the form, in the viewer's language. */
export function requestFormCard(t: Translate, view: RequestFormView): Record<string, unknown> {
  const problems = view.problems ?? {};
  return expandCard(template, {
    form: REQUEST_FORM_ID,
    strings: {
      intro: t('messageExtension.intro'),
      guests: t('messageExtension.guests', { max: view.maxGuests }),
      guestsPlaceholder: t('messageExtension.guestsPlaceholder'),
      resources: t('messageExtension.resources'),
      resourcesPlaceholder: t('messageExtension.resourcesPlaceholder'),
      period: t('messageExtension.period'),
      periodPlaceholder: t('messageExtension.periodPlaceholder', { days: view.defaultDays }),
      justification: t('messageExtension.justification'),
      justificationPlaceholder: t('messageExtension.justificationPlaceholder'),
      sponsor: t('messageExtension.sponsor'),
      sponsorPlaceholder: t('messageExtension.sponsorPlaceholder'),
      continue: t('messageExtension.continue'),
    },
    fields: { ...view.fields, resources: view.fields.resourceIds.join(',') },
    problems: Object.fromEntries(['general', ...REQUEST_FORM_INPUTS].map((input) => [input, problems[input as keyof RequestFormProblems] ?? ''])),
    notes: { guests: view.guestsNote ?? '' },
    choices: view.choices,
    searchable: view.searchDataset !== undefined,
    dataset: view.searchDataset ?? '',
    limits: view.limits,
  });
}
