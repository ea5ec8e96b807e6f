interface WaitForHealthOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Stops waiting early, e.g. when the process being waited for has exited. */
  signal?: AbortSignal;
}

/**
 * Polls `url` until it answers with a 2xx status. Resolves true then, or false once the timeout
 * passes or the signal aborts; connection errors only mean "not up yet".
 */
export async function waitForHealth(url: string, options: WaitForHealthOptions): Promise<boolean> {
  const intervalMs = options.intervalMs ?? 250;
  const deadline = Date.now() + options.timeoutMs;
  while (!options.signal?.aborted) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return false;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(remaining, 2000)) });
      await response.body?.cancel();
      if (response.ok) return true;
    } catch {
      // Refused or timed out: the server is still starting.
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(deadline - Date.now(), 0))));
  }
  return false;
}
