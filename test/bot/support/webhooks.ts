import crypto from 'node:crypto';
import examples from '@octokit/webhooks-examples';

/** Real `pull_request` payloads from @octokit/webhooks-examples, by action. */
export function pullRequestExamples(action: string): Array<Record<string, any>> {
  const group = (examples as unknown as Array<{ name: string; examples: Array<Record<string, any>> }>).find((e) => e.name === 'pull_request');
  return (group?.examples ?? []).filter((e) => e.action === action).map((e) => structuredClone(e));
}

/** The first real payload of an action that carries an installation id. */
export function pullRequestExample(action: string): Record<string, any> {
  const found = pullRequestExamples(action).find((e) => e.installation?.id !== undefined) ?? pullRequestExamples(action)[0];
  if (!found) throw new Error(`no pull_request.${action} example`);
  return found;
}

/** `sha256=<hex>` over the exact body bytes, as GitHub signs deliveries. */
export async function sign(secret: string, body: string): Promise<string> {
  const { Webhooks } = await import('@octokit/webhooks');
  return new Webhooks({ secret }).sign(body);
}

/** Posts a delivery to the bot. */
export async function deliver(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': crypto.randomUUID(), ...headers },
    body,
  });
  return { status: response.status, body: await response.text() };
}
