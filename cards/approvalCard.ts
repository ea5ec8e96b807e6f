/**
 * The sponsor's approval card: its data shape and how a request becomes one. The same card
 * serves every moment of the request (pending with buttons for the sponsor, then its outcome),
 * so a click, a refresh and a proactive update all show the current state.
 */
import { type Attachment, CardFactory } from 'botbuilder';
import type { AccessRequest } from '../src/requests/accessRequest';
import { type ApprovalStage, isStageOpen, ownerStagesFor } from '../src/requests/approvalStage';
import { ANSWER_LIMITS } from '../src/requests/answerLimits';
import type { Resource } from '../src/requests/catalog';
import { failureReasonText } from './failureReasonText';
import { isAwaitingDecision, isAwaitingSponsor, type RequestState } from '../src/requests/lifecycle';
import type { Translate, Wording } from '../src/i18n';
import { plainText } from './plainText';
import template from './approval.json';
import type { CommandButton } from './commandCard';
import { followUpButtons } from './linkChoices';
import { expandCard } from './expandCard';

/** A card as plain JSON, as an invoke response and an attachment carry it. */
export type AdaptiveCardJson = Record<string, unknown>;

interface ApprovalCardView {
  /** The request's first guest, which stands for the request: its state until the approval, its card, its people. */
  request: AccessRequest;
  /** Every guest of the request, when it asks for several: the card lists them, and the sponsor may leave some out. */
  guests?: readonly AccessRequest[];
  /** The requested resources, for their names. */
  resources: readonly Resource[];
  /** The words and dates of whoever sees this card (i18n wordingFor their locale). */
  wording: Wording;
  /** Whether the viewer may decide now: the sponsor, while the request waits. */
  viewerIsSponsor: boolean;
  /** The sponsor's Teams user id (MRI, `29:…`) when known: Teams refreshes the card for them. */
  sponsorMri?: string;
  /** A line for the viewer, such as why they cannot decide. */
  notice?: string;
  /**
   * An owner stage's card (see requests/approvalStage): it shows that stage's resource and
   * decision, and `viewerIsSponsor` then means "may decide this stage". The sponsor's card when unset.
   */
  stage?: ApprovalStage;
  /** The viewer's Teams id, for Teams to refresh an owner's card for them. */
  viewerMri?: string;
}

/** The data the template binds to; its field names are the template's `${…}` names. */
interface ApprovalCardData {
  strings: Record<string, string>;
  requestId: string;
  /** 0 on the sponsor's card, else the owner stage's number: a click says which it decides. */
  stage: number;
  /** "Approval 2 of 3: …", when the request needs more than the sponsor's. */
  stageLine: string;
  refreshUserIds: string[];
  localTest: boolean;
  guest: string;
  /** What the directory said of the address when the request was filed, if it was a guest already. */
  existingGuest: string;
  /** A request for several guests: they are listed one a line, each with where it stands. */
  several: boolean;
  guestRows: Array<{ text: string }>;
  /** The multi-select that keeps (all, at first) or leaves out guests when approving. */
  guestChoices: Array<{ title: string; value: string }>;
  guestChoiceValue: string;
  resources: string;
  /** The end date of access, with the days asked for; empty for requests filed before there were end dates. */
  endsAt: string;
  justification: string;
  requester: string;
  sponsor: string;
  status: string;
  statusColor: 'Default' | 'Good' | 'Attention' | 'Warning' | 'Accent';
  decisionComment: string;
  notice: string;
  canDecide: boolean;
  /** The comment box's limit, the one useCases/decide holds a click's comment to. */
  commentMaxLength: number;
  /** The sponsor's buttons once the guest is invited: the same commands they could type. */
  followUps: CommandButton[];
}

const STATUS_COLORS: Record<RequestState, ApprovalCardData['statusColor']> = {
  pending_approval: 'Accent',
  pending_owner_approval: 'Accent',
  approved: 'Good',
  invited: 'Good',
  accepted: 'Good',
  rejected: 'Attention',
  failed: 'Warning',
  cancelled: 'Default',
  expired: 'Default',
  ended: 'Default',
  withdrawn: 'Default',
  left_out: 'Default',
};

function approvalCardData(view: ApprovalCardView): ApprovalCardData {
  const { request, stage } = view;
  const { t, date } = view.wording;
  // The card's dates, each formatted once, in the viewer's language.
  const dates = {
    end: request.endsAt ? date(request.endsAt) : '',
    newEnd: request.extensionOffer?.endsAt ? date(request.extensionOffer.endsAt) : '',
    guestSince: request.existingGuest?.since ? date(request.existingGuest.since) : '',
  };
  const requester = plainText(request.requester.displayName);
  const sponsor = plainText(request.sponsor.displayName);
  const approvals = ownerStagesFor(view.resources).length + 1;
  const stageResource = stage ? view.resources.find((r) => r.id === stage.resourceId) : undefined;
  const shownResources = stageResource ? [stageResource] : view.resources;
  const stageNames = {
    number: (stage?.stage ?? 0) + 1,
    total: approvals,
    resource: plainText(stageResource?.name ?? ''),
    sponsor,
    decidedBy: plainText(stage?.decidedBy?.displayName ?? ''),
    end: dates.end,
    newEnd: dates.newEnd,
  };
  const stageOpen = stage !== undefined && isStageOpen(request, stage);
  // A stage still pending shows where the request stands; a decided one, its own decision.
  const stageStatus = !stage
    ? undefined
    : stage.extensionFor !== undefined
      ? extensionStageStatus(t, request, stage, stageOpen, stageNames)
      : stage.state !== 'pending'
        ? t(`approvalCard.stage.${stage.state}`, stageNames)
        : undefined;
  const stageComment = stage ? stage.decisionComment : request.decisionComment;
  const localTest = stage ? (stage.cards ?? []).some((c) => c.localTest) : (request.approvalCard?.localTest ?? false);
  return {
    strings: {
      refresh: t('approvalCard.refresh'),
      title: t('approvalCard.title'),
      localTest: stage ? t('approvalCard.ownerLocalTest', stageNames) : t('approvalCard.localTest', { sponsor }),
      subtitle: t('approvalCard.subtitle', { requester }),
      guest: t('approvalCard.guest'),
      existingGuest: t('approvalCard.existingGuest'),
      resources: t('approvalCard.resources'),
      endsAt: t('approvalCard.endsAt'),
      justification: t('approvalCard.justification'),
      requester: t('approvalCard.requester'),
      sponsor: t('approvalCard.sponsor'),
      requestId: t('approvalCard.requestId'),
      // In a local test the requester decides: a comment "for" themselves would read oddly.
      commentLabel: localTest ? t('approvalCard.commentLabelLocalTest') : t('approvalCard.commentLabel', { requester }),
      commentPlaceholder: t('approvalCard.commentPlaceholder'),
      approve: t('approvalCard.approve'),
      reject: t('approvalCard.reject'),
      guests: t('approvalCard.guests', { count: view.guests?.length ?? 1 }),
      chooseGuests: t('approvalCard.chooseGuests'),
    },
    requestId: request.id,
    stage: stage?.stage ?? 0,
    stageLine:
      stage?.extensionFor !== undefined
        ? t(request.extensionOffer?.for === stage.extensionFor ? 'approvalCard.stage.extensionLine' : 'approvalCard.stage.extensionLinePast', stageNames)
        : approvals > 1
          ? t(stage ? 'approvalCard.stage.ownerLine' : 'approvalCard.stage.sponsorLine', stageNames)
          : '',
    refreshUserIds: (stage ? [view.viewerMri, ...(stage.approvers ?? []).map((a) => a.id)] : [view.sponsorMri, request.sponsor.id]).filter((id): id is string =>
      Boolean(id),
    ),
    localTest,
    guest: plainText(request.guestEmail),
    existingGuest: existingGuestLine(t, request, dates.guestSince),
    ...guestList(t, view),
    resources: shownResources.map((r) => plainText(r.name)).join(', '),
    endsAt: request.endsAt
      ? t((request.extensions ?? 0) > 0 ? 'approvalCard.endsAtExtended' : 'approvalCard.endsAtValue', {
          date: dates.end,
          days: request.accessDays ?? '',
        })
      : '',
    justification: plainText(request.justification),
    requester: `${requester} (${plainText(request.requester.address)})`,
    sponsor: `${sponsor} (${plainText(request.sponsor.address)})`,
    status:
      stageStatus ??
      // Several guests, each on their own way since the approval: the list above says where each stands.
      (severalOnTheirOwn(view)
        ? t('approvalCard.status.severalApproved', { sponsor })
        : t(`approvalCard.status.${request.state}`, { sponsor, requester, id: request.id, reason: failureReasonText(t, request, plainText) })),
    statusColor: stage?.state === 'rejected' ? 'Attention' : stage?.state === 'approved' ? 'Good' : stageOpen ? 'Accent' : STATUS_COLORS[request.state],
    decisionComment: stageComment ? t('approvalCard.decisionComment', { comment: plainText(stageComment) }) : '',
    notice: view.notice ?? '',
    canDecide: view.viewerIsSponsor && (stage ? stageOpen : isAwaitingSponsor(request.state)),
    commentMaxLength: ANSWER_LIMITS.decisionComment,
    // Follow-ups on the guest's access are the sponsor's: they answer for the guest.
    // On a request for several guests the buttons name the request: the bot then asks which guest, or confirms ending them all.
    followUps: view.viewerIsSponsor && !stage ? followUpButtons(t, request, { forSponsor: true }) : [],
  };
}

/** Where an extension's stage stands: its own decision, still waiting, or settled (or ended) without it. */
function extensionStageStatus(t: Translate, request: AccessRequest, stage: ApprovalStage, open: boolean, names: Record<string, string | number>): string {
  if (stage.state === 'approved') return t('approvalCard.stage.extensionApproved', names);
  if (stage.state === 'rejected') return t('approvalCard.stage.extensionRejected', names);
  if (open) return t('approvalCard.stage.extensionPending', names);
  return request.state === 'ended' ? t('approvalCard.status.ended') : t('approvalCard.stage.extensionClosed', names);
}

function severalOnTheirOwn(view: ApprovalCardView): boolean {
  return (
    (view.guests?.length ?? 0) > 1 &&
    view.stage?.extensionFor === undefined &&
    !['pending_approval', 'pending_owner_approval', 'rejected', 'cancelled', 'expired'].includes(view.request.state)
  );
}

/** The guests of a request for several, one a line: the address, what the directory knew of it, and (once decided) where each stands. */
function guestList(t: Translate, view: ApprovalCardView): Pick<ApprovalCardData, 'several' | 'guestRows' | 'guestChoices' | 'guestChoiceValue'> {
  // An extension's stage is about one guest's end date: that guest is the card's.
  const guests = view.stage?.extensionFor === undefined ? (view.guests ?? []) : [];
  if (guests.length < 2) return { several: false, guestRows: [], guestChoices: [], guestChoiceValue: '' };
  const decided = !isAwaitingDecision(view.request.state);
  const label = (guest: AccessRequest) => {
    const existing = guest.existingGuest;
    const known = existing?.displayName ? `${plainText(existing.displayName)}, ` : '';
    const marker = existing
      ? ` (${t(existing.state === 'Accepted' ? 'approvalCard.guestExistingAccepted' : 'approvalCard.guestExistingPending', { known })})`
      : '';
    return `${plainText(guest.guestEmail)}${marker}`;
  };
  const waiting = guests.filter((guest) => isAwaitingDecision(guest.state));
  return {
    several: true,
    guestRows: guests.map((guest) => ({ text: decided ? `${label(guest)}: ${t(`requestState.${guest.state}`)}` : label(guest) })),
    guestChoices: waiting.map((guest) => ({ title: label(guest), value: guest.id })),
    guestChoiceValue: waiting.map((guest) => guest.id).join(','),
  };
}

/** What the directory said of the address when the request was filed; `since`, the date it was a guest from, formatted. */
function existingGuestLine(t: Translate, request: AccessRequest, since: string): string {
  const existing = request.existingGuest;
  if (!existing) return '';
  const known = existing.displayName ? `${plainText(existing.displayName)}, ` : '';
  if (existing.state !== 'Accepted') return t('approvalCard.existingPending', { known });
  return t('approvalCard.existingAccepted', {
    known,
    since: since ? t('approvalCard.existingSince', { date: since }) : '',
  });
}

/** The card as JSON, ready for an invoke response. */
export function approvalCard(view: ApprovalCardView): AdaptiveCardJson {
  return expandCard<AdaptiveCardJson>(template, approvalCardData(view));
}

/** The card as a message attachment, to post or to update in place. */
export function approvalCardAttachment(view: ApprovalCardView): Attachment {
  return CardFactory.adaptiveCard(approvalCard(view));
}
