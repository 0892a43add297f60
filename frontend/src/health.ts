/** Fetches GET /healthz and returns its status, such as "ok". */
export async function fetchHealth(): Promise<string> {
  const response = await fetch('/healthz', {
    headers: { accept: 'application/json' },
  });
  if (!response.ok) {
    throw new Error(`GET /healthz failed with status ${response.status}`);
  }
  const body = (await response.json()) as { status?: unknown };
  if (typeof body.status !== 'string') {
    throw new Error('GET /healthz returned no status field');
  }
  return body.status;
}
