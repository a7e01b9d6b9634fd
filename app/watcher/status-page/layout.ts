import { createHash } from 'node:crypto';
import { html, SafeHtml } from './escape';
import { palette } from './line-chart';

const styles = `
:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.4}
body{margin:0 auto;max-width:72rem;padding:1rem}
header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #8884;vertical-align:top;overflow-wrap:break-word}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict{font-weight:600;padding:.05rem .4rem;border-radius:.3rem}
.verdict-pass{background:#2ca02c33}.verdict-fail,.verdict-error{background:#d6272833}.verdict-inconclusive,.verdict-none{background:#8883}
figure{margin:0 0 1rem}
.chart svg{width:100%;height:auto;max-height:22rem}
.legend{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;border-radius:.2rem}
${palette.map((color, i) => `.swatch-${i}{background:${color}}`).join('')}
.problems{border-left:.3rem solid #d62728;padding:.3rem .8rem;background:#d627281a}
.chart text{fill:currentColor}
code{word-break:break-all}
@media (max-width:40rem){table,thead,tbody,tr,th,td{display:block}thead{display:none}td{border:0}tr{border-bottom:1px solid #8884;padding:.3rem 0}td[data-label]::before{content:attr(data-label) ": ";font-weight:600}td.num,th.num{text-align:left}}
`;

/**
 * Refreshes the page's <main> and its "updated" time in place when JavaScript is on; without it the
 * page is complete as served and reloads itself every `refreshSeconds` (a `<noscript>` meta
 * refresh). With `data-events` on <body> (the API's Server-Sent Events address) it refreshes when
 * the watcher announces a finished cycle, a changed verdict or an opened pull request, and polls
 * only if the event stream is refused; otherwise (or without EventSource) it polls every
 * `data-refresh-seconds` seconds (30 by default). A hidden tab refreshes when shown again.
 * Constant text, so the Content-Security-Policy allows it by hash.
 */
const refreshScript = `
(function(){var b=document.body,h=document.documentElement,s=Number(b.getAttribute('data-refresh-seconds'))||30,e=b.getAttribute('data-events'),l=false,p=0;function r(){if(document.hidden){l=true;return;}l=false;fetch(location.href,{headers:{accept:'text/html'},cache:'no-store'}).then(function(x){return x.ok?x.text():null}).then(function(t){if(!t)return;var d=new DOMParser().parseFromString(t,'text/html');['main','header time'].forEach(function(q){var n=d.querySelector(q),o=document.querySelector(q);if(n&&o)o.replaceWith(n);});h.setAttribute('data-refreshed',String(Date.now()));}).catch(function(){});}function poll(){if(!p){p=setInterval(r,s*1000);h.setAttribute('data-live','polling');}}document.addEventListener('visibilitychange',function(){if(!document.hidden&&l)r();});if(e&&window.EventSource){var x=new EventSource(e);x.onopen=function(){h.setAttribute('data-live','events');};['cycle-finished','verdict-changed','pull-request-opened'].forEach(function(t){x.addEventListener(t,r);});x.onerror=function(){if(x.readyState===2)poll();};}else poll();})();
`;

/** An inline `<style>` or `<script>` element and the CSP source expression that allows it. */
interface InlineElement {
  /** The whole element, ready to interpolate into a page. */
  readonly element: SafeHtml;
  /** `'sha256-…'` of the element's content. */
  readonly hash: string;
}

/**
 * Builds the element and its hash from one text, so the content served is byte for byte the
 * content hashed: whatever reformats the page template (Prettier formats `html` tagged templates
 * as HTML) moves the element as a whole and cannot put text between the tags.
 */
function inlineElement(tag: 'style' | 'script', text: string): InlineElement {
  return {
    element: new SafeHtml(`<${tag}>${text}</${tag}>`),
    hash: `'sha256-${createHash('sha256').update(text).digest('base64')}'`,
  };
}

/** The page's one inline stylesheet and one inline script. */
const inlineStyle = inlineElement('style', styles);
const inlineScript = inlineElement('script', refreshScript);

/**
 * The Content-Security-Policy of every status page: nothing but the page's own inline stylesheet and
 * refresh script (by hash) and fetches to the same origin; no frames, no forms, no plugins.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  `style-src ${inlineStyle.hash}`,
  `script-src ${inlineScript.hash}`,
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** An ISO-8601 time as people read it (`2026-11-25 13:40:05 UTC`); anything else unchanged. */
export function readableTime(iso: string): string {
  const match = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

/** Wraps page content in the document shell shared by every status page. */
export function renderLayout(title: string, generatedAt: string, content: SafeHtml, refreshSeconds = 30, eventsPath?: string): string {
  return `<!doctype html>\n${
    html`<html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Phoenix</title>
        ${inlineStyle.element}
        <noscript><meta http-equiv="refresh" content="${refreshSeconds}" /></noscript>
      </head>
      <body data-refresh-seconds="${refreshSeconds}" ${eventsPath ? html` data-events="${eventsPath}"` : ''}>
        <header>
          <h1>${title}</h1>
          <p>Updated <time datetime="${generatedAt}">${readableTime(generatedAt)}</time></p>
        </header>
        <main>${content}</main>
        ${inlineScript.element}
      </body>
    </html>`.value
  }\n`;
}
