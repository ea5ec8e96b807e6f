import { GraphFailure } from './graphFailure';

export interface SimulatorFault {
  /** Any method when omitted. */
  method?: string;
  /** Tested against the Graph path after the version, e.g. `/invitations` or `/groups/{id}/members/$ref`. */
  path: RegExp;
  /** 403: the application was not granted the permission the call needs. */
  status: 429 | 503 | 500 | 504 | 403;
  /** Sent as `Retry-After` on 429 and 503; 1 second when omitted. */
  retryAfterSeconds?: number;
  /** How many matching requests fail before the fault is used up. */
  times: number;
  /** Fail only one matching request in every `every` (the 1st, then the `every + 1`th…); all when omitted. */
  every?: number;
  /** When true the fault hits `$batch` items only; otherwise top-level requests only. */
  inBatch?: boolean;
  /**
   * When true the request is carried out first and only its answer is lost, as when a gateway
   * times out after Graph did the work: the caller cannot know it succeeded. Top-level only.
   */
  afterProcessing?: boolean;
}

const faultResponses: Readonly<Record<SimulatorFault['status'], { code: string; message: string }>> = {
  403: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
  429: { code: 'TooManyRequests', message: 'Too many requests. Please retry again later.' },
  503: { code: 'serviceNotAvailable', message: 'The service is temporarily unavailable. Please retry later.' },
  500: { code: 'generalException', message: 'General exception while processing.' },
  504: { code: 'GatewayTimeout', message: 'The gateway did not receive a response in time.' },
};

/** Throttling and outages on demand, so callers' retry paths can be exercised for real. */
export class FaultInjector {
  private readonly faults: Array<SimulatorFault & { remaining: number; seen: number }> = [];

  add(fault: SimulatorFault): void {
    if (!Number.isInteger(fault.times) || fault.times < 1) {
      throw new Error(`A simulator fault needs times >= 1, got ${fault.times}`);
    }
    if (fault.every !== undefined && (!Number.isInteger(fault.every) || fault.every < 1)) {
      throw new Error(`A simulator fault's every must be a whole number >= 1, got ${fault.every}`);
    }
    this.faults.push({ ...fault, remaining: fault.times, seen: 0 });
  }

  /**
   * The failure the next matching request must get, if any; each call uses one up. `afterProcessing`
   * asks for the faults that let the request be carried out first.
   */
  take(method: string, path: string, inBatch: boolean, afterProcessing = false): GraphFailure | undefined {
    const fault = this.faults.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.inBatch ?? false) === inBatch &&
        (candidate.afterProcessing ?? false) === afterProcessing &&
        (candidate.method === undefined || candidate.method.toUpperCase() === method.toUpperCase()) &&
        matches(candidate.path, path),
    );
    if (fault === undefined) {
      return undefined;
    }
    fault.seen += 1;
    if (fault.every !== undefined && (fault.seen - 1) % fault.every !== 0) {
      return undefined;
    }
    fault.remaining -= 1;
    const { code, message } = faultResponses[fault.status];
    const headers: Record<string, string> = fault.status === 429 || fault.status === 503 ? { 'Retry-After': String(fault.retryAfterSeconds ?? 1) } : {};
    return new GraphFailure(fault.status, code, message, headers);
  }
}

function matches(pattern: RegExp, path: string): boolean {
  // A /g or /y pattern remembers where it stopped; every request must be tested from the start.
  pattern.lastIndex = 0;
  return pattern.test(path);
}
