import { html, type SafeHtml } from './escape';
import { renderLayout } from './layout';
import { formatNumber, renderLineChart } from './line-chart';
import type { ExperimentView, StatusView } from './view-model';

/** The path of an experiment's page, relative to the status page root. */
export function experimentPath(view: Pick<ExperimentView, 'environment' | 'name'>): string {
  return `experiments/${encodeURIComponent(view.environment)}/${encodeURIComponent(view.name)}`;
}

/** The overview: per environment, each experiment with its variants, verdict, saving and pull request. */
export function renderOverviewPage(view: StatusView): string {
  const totals = view.promotedSavings.length
    ? view.promotedSavings.map((t) => html`<li><data value="${t.amount}">${money(t.amount, t.currency)}</data> per month</li>`)
    : [html`<li>No promoted experiment yet.</li>`];
  const sections = view.environments.map(
    (env) => html`<section aria-labelledby="env-${env.name}">
<h2 id="env-${env.name}">${env.name}</h2>
${env.experiments.length === 0 ? html`<p>No experiments.</p>` : overviewTable(env.experiments)}
</section>`,
  );
  const content = html`<section aria-labelledby="totals"><h2 id="totals">Saved by promoted experiments</h2><ul class="totals">${totals}</ul></section>
${sections}`;
  return renderLayout('Phoenix experiments', view.generatedAt, content);
}

function overviewTable(experiments: readonly ExperimentView[]): SafeHtml {
  const rows = experiments.map((e) => {
    const candidates = e.variants.filter((v) => v.seriesSavingPercent !== undefined);
    const best = candidates.sort((a, b) => (b.seriesSavingPercent ?? 0) - (a.seriesSavingPercent ?? 0))[0];
    const baseline = e.variants.find((v) => v.seriesSavingPercent === undefined);
    return html`<tr class="experiment" data-experiment="${e.name}">
<td data-label="Experiment"><a href="${experimentPath(e)}">${e.name}</a></td>
<td data-label="Phase">${e.phase}</td>
<td data-label="Verdict">${verdictBadge(e.verdict)}</td>
<td data-label="Variants">${e.variants.map((v) => v.name).join(', ')}</td>
<td data-label="Series" class="num">${baseline ? formatNumber(baseline.activeSeries) : '–'}${best ? html` → ${formatNumber(best.activeSeries)}` : ''}</td>
<td data-label="Saving" class="num">${best ? `${best.seriesSavingPercent!.toFixed(1)}% (${best.name})` : '–'}</td>
<td data-label="Money / month" class="num">${best && baseline ? money(subtract(baseline.monthlyCost, best.monthlyCost), best.currency) : '–'}</td>
<td data-label="Pull request">${e.pullRequest ? html`<a href="${e.pullRequest.url}" rel="noopener">${e.pullRequest.title}</a> (${e.pullRequest.state})` : '–'}</td>
</tr>`;
  });
  return html`<table>
<thead><tr><th scope="col">Experiment</th><th scope="col">Phase</th><th scope="col">Verdict</th><th scope="col">Variants</th><th scope="col" class="num">Series</th><th scope="col" class="num">Saving</th><th scope="col" class="num">Money / month</th><th scope="col">Pull request</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

/** An experiment's page: cost per window per variant, guardrails, collector health, decision history. */
export function renderExperimentPage(view: ExperimentView, generatedAt: string): string {
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
    (v) => html`<tr><th scope="row">${v.name}</th><td class="num">${formatNumber(v.activeSeries)}</td><td class="num">${formatNumber(v.samplesPerMinute)}</td><td class="num">${money(v.monthlyCost, v.currency)}</td><td class="num">${v.seriesSavingPercent === undefined ? 'baseline' : `${v.seriesSavingPercent.toFixed(1)}%`}</td></tr>`,
  );
  const guardrails = view.guardrails.map(
    (g) => html`<tr><th scope="row">${g.name}<br><code>${g.query}</code></th>${g.values.map((v) => html`<td class="num">${value(v.value)}</td>`)}<td>${verdictBadge(g.verdict)}</td></tr>`,
  );
  const health = view.health.map(
    (h) => html`<tr><th scope="row">${h.signal}</th>${h.values.map((v) => html`<td class="num">${value(v.value)}</td>`)}<td>${verdictBadge(h.verdict)}</td></tr>`,
  );
  const variantHeads = view.variants.map((v) => html`<th scope="col" class="num">${v.name}</th>`);
  const decisions = view.decisions.map(
    (d) => html`<li><time datetime="${d.time}">${d.time}</time> — ${d.action} (${d.verdict})${d.recordUrl ? html` · <a href="${d.recordUrl}">decision record</a>` : ''}</li>`,
  );
  const content = html`<p><a href="../../">← All experiments</a></p>
<p>Phase <strong>${view.phase}</strong> · verdict ${verdictBadge(view.verdict)}${view.reason ? html` — ${view.reason}` : ''}${view.pullRequest ? html` · <a href="${view.pullRequest.url}" rel="noopener">${view.pullRequest.title}</a> (${view.pullRequest.state})` : ''}</p>
<section aria-labelledby="cost"><h2 id="cost">Cost per window</h2>${chart}
<table><thead><tr><th scope="col">Variant</th><th scope="col" class="num">Active series</th><th scope="col" class="num">Samples / min</th><th scope="col" class="num">Cost / month</th><th scope="col" class="num">Saving</th></tr></thead><tbody>${variantRows}</tbody></table></section>
<section aria-labelledby="guardrails"><h2 id="guardrails">Guardrails</h2>${guardrails.length ? html`<table><thead><tr><th scope="col">Query</th>${variantHeads}<th scope="col">Verdict</th></tr></thead><tbody>${guardrails}</tbody></table>` : html`<p>No guardrail evaluated yet.</p>`}</section>
<section aria-labelledby="health"><h2 id="health">Collector health</h2>${health.length ? html`<table><thead><tr><th scope="col">Signal</th>${variantHeads}<th scope="col">Verdict</th></tr></thead><tbody>${health}</tbody></table>` : html`<p>No health data yet.</p>`}</section>
<section aria-labelledby="decisions"><h2 id="decisions">Decisions</h2>${decisions.length ? html`<ol>${decisions}</ol>` : html`<p>No decision yet.</p>`}</section>`;
  return renderLayout(`${view.name} in ${view.environment}`, generatedAt, content);
}

function verdictBadge(verdict: string): SafeHtml {
  const known = ['pass', 'fail', 'inconclusive', 'error'].includes(verdict) ? verdict : 'none';
  return html`<span class="verdict verdict-${known}">${verdict}</span>`;
}

function value(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? 'absent' : formatNumber(v);
}

function money(amount: string, currency: string): string {
  const n = Number(amount);
  return `${Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : amount} ${currency}`;
}

function subtract(a: string, b: string): string {
  // Display only: the decimal figures themselves come from analysis/cost.
  return (Math.round((Number(a) - Number(b)) * 100) / 100).toFixed(2);
}
