import { html, type SafeHtml } from './escape';
import { readableTime, renderLayout } from './layout';
import { formatNumber, renderLineChart } from './line-chart';
import type { ExperimentView, StatusView } from './view-model';

/** The path of an experiment's page, relative to the status page root. */
export function experimentPath(view: Pick<ExperimentView, 'environment' | 'name'>): string {
  return `experiments/${encodeURIComponent(view.environment)}/${encodeURIComponent(view.name)}`;
}

/** How pages are served. */
export interface PageOptions {
  /** Seconds between in-place refreshes when JavaScript is on. @default 30 */
  readonly refreshSeconds?: number;
  /** Address of the API's Server-Sent Events; when set, pages refresh on events instead of polling. @default - polling */
  readonly eventsPath?: string;
}

/** The overview: per environment, each experiment with its variants, verdict, saving and pull request. */
export function renderOverviewPage(view: StatusView, options: PageOptions = {}): string {
  const totals = view.promotedSavings.length
    ? view.promotedSavings.map((t) => html`<li><data value="${t.amount}">${money(t.amount, t.currency)}</data> per month</li>`)
    : [html`<li>No promoted experiment yet.</li>`];
  const sections = view.environments.map(
    (env) =>
      html`<section aria-labelledby="env-${env.name}">
        <h2 id="env-${env.name}">${env.name}</h2>
        ${env.experiments.length === 0 ? html`<p>No experiments.</p>` : overviewTable(env.experiments)}
      </section>`,
  );
  const content = html`${problems(view)}
    <section aria-labelledby="totals">
      <h2 id="totals">Saved by promoted experiments</h2>
      <ul class="totals">
        ${totals}
      </ul>
    </section>
    ${sections}
    <p class="cycle">
      ${view.lastCycleAt ? html`Latest watcher cycle finished <time datetime="${view.lastCycleAt}">${readableTime(view.lastCycleAt)}</time>.` : 'No watcher cycle has finished yet.'}
    </p>`;
  return renderLayout('Phoenix experiments', view.generatedAt, content, options.refreshSeconds, options.eventsPath);
}

function overviewTable(experiments: readonly ExperimentView[]): SafeHtml {
  const rows = experiments.map((e) => {
    const candidates = e.variants.filter((v) => v.seriesSavingPercent !== undefined);
    const best = [...candidates].sort((a, b) => (b.seriesSavingPercent ?? 0) - (a.seriesSavingPercent ?? 0))[0];
    const baseline = e.variants.find((v) => v.seriesSavingPercent === undefined);
    return html`<tr class="experiment" data-experiment="${e.name}">
      <td data-label="Experiment"><a href="${experimentPath(e)}">${e.name}</a></td>
      <td data-label="Phase">${e.phase}</td>
      <td data-label="Verdict">${verdictBadge(e.verdict)}</td>
      <td data-label="Variants">${e.variants.map((v) => v.name).join(', ')}</td>
      <td data-label="Series" class="num">${baseline ? formatNumber(baseline.activeSeries) : '–'}${best ? html` → ${formatNumber(best.activeSeries)}` : ''}</td>
      <td data-label="Saving" class="num">${best ? `${best.seriesSavingPercent!.toFixed(1)}% (${best.name})` : '–'}</td>
      <td data-label="Projected / month" class="num">${moneyProjected(best)}</td>
      <td data-label="Saved / month" class="num">${moneySaved(e)}</td>
      <td data-label="Pull request">${pullRequestCell(e)}</td>
    </tr>`;
  });
  return html`<table>
    <thead>
      <tr>
        <th scope="col">Experiment</th>
        <th scope="col">Phase</th>
        <th scope="col">Verdict</th>
        <th scope="col">Variants</th>
        <th scope="col" class="num">Series</th>
        <th scope="col" class="num">Saving</th>
        <th scope="col" class="num" title="measured on the shadow pipelines, not yet realized">Projected / month</th>
        <th scope="col" class="num" title="measured at promotion">Saved / month</th>
        <th scope="col">Pull request</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** An experiment's page: cost per window per variant, guardrails, collector health, decision history. */
export function renderExperimentPage(view: ExperimentView, generatedAt: string, options: PageOptions = {}): string {
  const variants = [...new Set(view.costHistory.map((p) => p.variant))];
  const chart = renderLineChart({
    title: `Active series per window — ${view.name} in ${view.environment}`,
    yUnit: 'active series',
    series: variants.map((name) => ({
      name,
      points: view.costHistory.filter((p) => p.variant === name).map((p) => [p.time, p.activeSeries] as const),
    })),
  });
  const variantRows = view.variants.map(
    (v) =>
      html`<tr>
        <th scope="row">${v.name}</th>
        <td class="num" data-label="Active series">${formatNumber(v.activeSeries)}</td>
        <td class="num" data-label="Samples / min">${formatNumber(v.samplesPerMinute)}</td>
        <td class="num" data-label="Cost / month">${money(v.monthlyCost, v.currency)}</td>
        <td class="num" data-label="Saving">
          ${v.seriesSavingPercent === undefined ? 'baseline' : `${v.seriesSavingPercent.toFixed(1)}% of series${v.monthlySaving ? `, ${money(v.monthlySaving, v.currency)} / month` : ''}`}
        </td>
      </tr>`,
  );
  const guardrails = view.guardrails.map(
    (g) =>
      html`<tr>
        <th scope="row">${g.name}${g.query ? html`<br /><code>${g.query}</code>` : ''}${g.detail ? html`<br /><small>${g.detail}</small>` : ''}</th>
        ${g.values.map((v) => html`<td class="num" data-label="${v.variant}">${value(v.value)}</td>`)}
        <td data-label="Verdict">${verdictBadge(g.verdict)}</td>
      </tr>`,
  );
  const health = view.health.map(
    (h) =>
      html`<tr>
        <th scope="row">${h.signal}</th>
        ${h.values.map((v) => html`<td class="num" data-label="${v.variant}">${value(v.value)}</td>`)}
        <td data-label="Verdict">${verdictBadge(h.verdict)}</td>
      </tr>`,
  );
  const columns = (rows: ReadonlyArray<{ values: ReadonlyArray<{ variant: string }> }>) =>
    (rows[0]?.values ?? view.variants.map((v) => ({ variant: v.name }))).map((v) => html`<th scope="col" class="num">${v.variant}</th>`);
  const decisions = view.decisions.map(
    (d) =>
      html`<li>
        <time datetime="${d.time}">${readableTime(d.time)}</time> — ${d.action}${d.variant ? ` ${d.variant}` : ''}
        (${d.verdict})${decisionLink(d)}${d.proposalError ? html` · <span class="proposal-error">not proposed: ${d.proposalError}</span>` : ''}
      </li>`,
  );
  const frozen = view.frozenSaving;
  const content = html`<p><a href="../../">← All experiments</a></p>
    <p>Phase <strong>${view.phase}</strong> · verdict ${verdictBadge(view.verdict)}${view.reason ? html` — ${view.reason}` : ''}</p>
    <p>Pull request: ${pullRequestCell(view)}</p>
    ${frozen ? html`<p class="frozen">Promoted${frozen.variant ? html` <strong>${frozen.variant}</strong>` : ''}: ${formatNumber(frozen.seriesBefore)} → ${formatNumber(frozen.seriesAfter)} series, saving <data value="${frozen.monthlySaving}">${money(frozen.monthlySaving, frozen.currency)}</data> per month (measured at promotion).</p>` : ''}
    <section aria-labelledby="cost">
      <h2 id="cost">Cost per window</h2>
      ${chart} ${costChart(view)}
      <table>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col" class="num">Active series</th>
            <th scope="col" class="num">Samples / min</th>
            <th scope="col" class="num">Cost / month</th>
            <th scope="col" class="num">Saving</th>
          </tr>
        </thead>
        <tbody>
          ${variantRows}
        </tbody>
      </table>
    </section>
    <section aria-labelledby="guardrails">
      <h2 id="guardrails">Guardrails</h2>
      ${
        guardrails.length
          ? html`<table>
              <thead>
                <tr>
                  <th scope="col">Query</th>
                  ${columns(view.guardrails)}
                  <th scope="col">Verdict</th>
                </tr>
              </thead>
              <tbody>
                ${guardrails}
              </tbody>
            </table>`
          : html`<p>No guardrail evaluated yet.</p>`
      }
    </section>
    <section aria-labelledby="health">
      <h2 id="health">Collector health</h2>
      ${
        health.length
          ? html`<table>
              <thead>
                <tr>
                  <th scope="col">Signal</th>
                  ${columns(view.health)}
                  <th scope="col">Verdict</th>
                </tr>
              </thead>
              <tbody>
                ${health}
              </tbody>
            </table>`
          : html`<p>No health data yet.</p>`
      }
    </section>
    <section aria-labelledby="decisions">
      <h2 id="decisions">Decisions</h2>
      ${
        decisions.length
          ? html`<ol>
              ${decisions}
            </ol>`
          : html`<p>No decision yet.</p>`
      }
    </section>`;
  return renderLayout(`${view.name} in ${view.environment}`, generatedAt, content, options.refreshSeconds, options.eventsPath);
}

/** A page for an address that names no experiment. */
export function renderNotFoundPage(what: string, generatedAt: string): string {
  return renderLayout(
    'Not found',
    generatedAt,
    html`<p>${what}</p>
      <p><a href="/">← All experiments</a></p>`,
  );
}

/** Money per month per variant, when the windows are priced. */
function costChart(view: ExperimentView): SafeHtml | string {
  const priced = view.costHistory.filter((p) => p.monthlyCost !== undefined);
  if (priced.length === 0 || !view.variants[0]?.currency) return '';
  const variants = [...new Set(priced.map((p) => p.variant))];
  return renderLineChart({
    title: `Cost per window (${view.variants[0].currency} / month) — ${view.name} in ${view.environment}`,
    yUnit: `${view.variants[0].currency} per month`,
    series: variants.map((name) => ({ name, points: priced.filter((p) => p.variant === name).map((p) => [p.time, Number(p.monthlyCost)] as const) })),
  });
}

function problems(view: StatusView): SafeHtml | string {
  if (!view.problems?.length) return '';
  return html`<section class="problems" aria-labelledby="problems">
    <h2 id="problems">Latest cycle problems</h2>
    <p>Affected experiments are inconclusive, or not proposed, until a later cycle succeeds; every cycle tries again.</p>
    <ul>
      ${view.problems.map((p) => html`<li>${p}</li>`)}
    </ul>
  </section>`;
}

function pullRequestCell(e: ExperimentView): SafeHtml | string {
  if (e.pullRequest) return html`<a href="${safeUrl(e.pullRequest.url)}" rel="noopener">${e.pullRequest.title}</a> (${e.pullRequest.state})`;
  if (e.proposal?.error) return html`<span class="proposal-error">not proposed: ${e.proposal.error}</span>`;
  if (e.proposal && !e.proposal.pushed) return html`would propose <code>${e.proposal.branch}</code> <small>(observe mode)</small>`;
  if (e.proposal)
    return e.proposal.url
      ? html`proposal branch <a href="${safeUrl(e.proposal.url)}" rel="noopener"><code>${e.proposal.branch}</code></a>`
      : html`proposal branch <code>${e.proposal.branch}</code>`;
  return '–';
}

function decisionLink(d: ExperimentView['decisions'][number]): SafeHtml | string {
  if (d.recordUrl) return html` · <a href="${safeUrl(d.recordUrl)}">decision record</a>`;
  if (d.recordPath) return html` · record <code>${d.recordPath}</code>`;
  return ' · latest cycle';
}

/** What the best candidate would save, as measured on the shadow pipelines: projected, not realized. */
function moneyProjected(best: ExperimentView['variants'][number] | undefined): SafeHtml | string {
  return best?.monthlySaving !== undefined ? html`${money(best.monthlySaving, best.currency)} <small>(${best.name})</small>` : '–';
}

/** What a promotion saves: the saving measured at promotion, frozen in the state file. */
function moneySaved(e: ExperimentView): SafeHtml | string {
  return e.frozenSaving ? html`${money(e.frozenSaving.monthlySaving, e.frozenSaving.currency)} <small>(at promotion)</small>` : '–';
}

/** Only http(s) links: a `javascript:` address from a misconfigured source renders as no link target. */
function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url : '#';
}

function verdictBadge(verdict: string): SafeHtml {
  const known = ['pass', 'fail', 'inconclusive', 'error'].includes(verdict) ? verdict : 'none';
  return html`<span class="verdict verdict-${known}">${verdict}</span>`;
}

function value(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? 'absent' : formatNumber(v);
}

/** A decimal string with thousands separators and two decimals, formatted without converting to a float. */
function money(amount: string, currency: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!match) return `${amount} ${currency}`;
  const [, sign, whole, fraction = ''] = match;
  const cents = (fraction + '00').slice(0, 2);
  return `${sign}${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents} ${currency}`.trim();
}
