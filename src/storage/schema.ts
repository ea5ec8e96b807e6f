/**
 * The tables, as Kysely sees them. Timestamps are ISO-8601 UTC text and booleans 0/1 integers,
 * so that SQLite and PostgreSQL share one schema and one repository.
 */
import type { Generated } from 'kysely';

export interface AccessRequestsTable {
  /** One guest of a request: the request's id for its first guest, `<request id>-<n>` for the n-th (migration 015). */
  id: string;
  /** The request as people quote it, shared by its guests. */
  request_id: string;
  guest_number: number;
  state: string;
  version: number;
  tenant_id: string;
  requester_id: string;
  requester_name: string;
  requester_address: string;
  requester_locale: string;
  requester_conversation_id: string;
  guest_email: string;
  /** JSON array of catalog ids. */
  resource_ids: string;
  justification: string;
  sponsor_id: string;
  sponsor_name: string;
  sponsor_address: string;
  sponsor_locale: string;
  invited_user_id: string | null;
  invite_redeem_url: string | null;
  approval_conversation_id: string | null;
  approval_activity_id: string | null;
  approval_local_test: number;
  decision_comment: string | null;
  decided_at: string | null;
  failure_reason: string | null;
  invitation_started_at: string | null;
  /** 1 when the recorded invitation asked Microsoft to email the guest. */
  invitation_emailed: number | null;
  status_message_id: string | null;
  invited_at: string | null;
  redemption_check_at: string | null;
  redemption_checks: number | null;
  nudged_at: string | null;
  withdrawal_due_at: string | null;
  withdrawn_at: string | null;
  accepted_at: string | null;
  reinvitation_job_id: number | null;
  access_days: number | null;
  ends_at: string | null;
  approver_reminded_at: string | null;
  extension_offered_for: string | null;
  /** `extended` or `declined`, for the offer made for `extension_offered_for`. */
  extension_answer: string | null;
  extension_card_id: string | null;
  /** The end date the sponsor asked for, while (and after) the owners decide on the extension. */
  extension_ends_at: string | null;
  extensions: number | null;
  ended_at: string | null;
  end_reason: string | null;
  /** JSON array of catalog ids taken away so far at the end of access. */
  removed_resource_ids: string | null;
  /** JSON: what the directory said of the guest's address at filing, when it was a guest already. */
  existing_guest: string | null;
  /** 1 when this request's invitation created the guest's account, 0 when it was there before. */
  created_guest_account: number | null;
  /** When the sponsor check next reads the sponsor and the requester; null once access ended (migration 013). */
  sponsor_check_at: string | null;
  /** Since when the request has had no sponsor (theirs left); null once someone took over. */
  sponsor_left_at: string | null;
  /** The sponsor who left: removed from the guest's sponsors in Entra when someone takes over. */
  former_sponsor_id: string | null;
  former_sponsor_name: string | null;
  /** The old sponsor's manager, offered to take over: they may, as the requester may. */
  sponsorship_offered_to_id: string | null;
  /** Since when the requester is gone: what the bot would tell them goes to the sponsor. */
  requester_left_at: string | null;
  /** When the guest's sign-ins are next read (INACTIVE_GUEST_DAYS); only while the request is `accepted`. */
  activity_check_at: string | null;
  /** The guest's last successful sign-in, as last read from Graph. */
  last_sign_in_at: string | null;
  /** When the sponsor was last asked about a guest who has not signed in, on which card, and `kept` once they chose to keep them. */
  inactivity_asked_at: string | null;
  inactivity_card_id: string | null;
  inactivity_answer: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditEventsTable {
  id: Generated<number>;
  request_id: string;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  from_state: string | null;
  to_state: string | null;
  /** JSON object, or null. */
  detail: string | null;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  request_id: string;
  /** JSON object with the job's own arguments, or null. */
  payload: string | null;
  /** `queued` until it succeeds (`done`) or gives up (`dead`). */
  status: string;
  attempts: number;
  run_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

interface ConversationReferencesTable {
  conversation_id: string;
  /** Entra object id where the channel gives one, else the channel's user id. */
  user_id: string;
  channel_id: string;
  tenant_id: string | null;
  /** The whole botbuilder ConversationReference, as JSON. */
  reference: string;
  updated_at: string;
}

export interface DialogStateTable {
  key: string;
  /** JSON of the stored item, without its eTag. */
  data: string;
  etag: string;
  updated_at: string;
}

export interface ApprovalStagesTable {
  request_id: string;
  /** 1, 2, …: the owner stages after the sponsor's, in the order of the request's resources. */
  stage: number;
  resource_id: string;
  /** `pending`, `approved` or `rejected`. */
  state: string;
  /** JSON array of the people who may decide ({ id, displayName, address, locale }), once resolved. */
  approvers: string | null;
  /** JSON array of where each approver's card is ({ approverId, conversationId, activityId, localTest }). */
  cards: string | null;
  decided_by_id: string | null;
  decided_by_name: string | null;
  decision_comment: string | null;
  decided_at: string | null;
  reminded_at: string | null;
  opened_at: string;
  /** Set on an extension's stages: the end date the extension is for. Null on the request's own stages. */
  extension_for: string | null;
}

/** What the bot gave a guest, per catalog resource (see requests/givenAccess.ts). */
interface GuestGrantsTable {
  guest_id: string;
  resource_id: string;
  /** JSON of the grant as it was made; null for grants brought in from before it was kept (the catalog says). */
  grant_json: string | null;
  /** `adding` (asked of Graph, answer not recorded) or `given`. */
  state: string;
  request_id: string;
  updated_at: string;
}

/** Which job decides for a guest now: held while that job's lease is (see JobQueue.holdGuest). */
interface GuestLocksTable {
  /** The guest's address, lowercase. */
  guest: string;
  job_id: number;
  holder: string;
  attempt: number;
  updated_at: string;
}

export interface Schema {
  access_requests: AccessRequestsTable;
  audit_events: AuditEventsTable;
  jobs: JobsTable;
  conversation_references: ConversationReferencesTable;
  dialog_state: DialogStateTable;
  approval_stages: ApprovalStagesTable;
  guest_grants: GuestGrantsTable;
  guest_locks: GuestLocksTable;
}
