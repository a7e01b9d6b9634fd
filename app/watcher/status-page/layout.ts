import { html, SafeHtml } from './escape';

const styles = `
:root{color-scheme:light dark;font-family:system-ui,sans-serif;line-height:1.4}
body{margin:0 auto;max-width:72rem;padding:1rem}
header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #8884;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.verdict{font-weight:600;padding:.05rem .4rem;border-radius:.3rem}
.verdict-pass{background:#2ca02c33}.verdict-fail,.verdict-error{background:#d6272833}.verdict-inconclusive,.verdict-none{background:#8883}
.chart svg{width:100%;height:auto;max-height:22rem}
.legend{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;border-radius:.2rem}
code{word-break:break-all}
@media (max-width:40rem){table,thead,tbody,tr,th,td{display:block}thead{display:none}td{border:0}tr{border-bottom:1px solid #8884;padding:.3rem 0}td[data-label]::before{content:attr(data-label) ": ";font-weight:600}}
`;

/** Refreshes the page's <main> in place every 30 s when JavaScript is on; without it the page is complete as served. */
const refreshScript = `
(function(){setInterval(function(){fetch(location.href,{headers:{accept:'text/html'}}).then(function(r){return r.ok?r.text():null}).then(function(t){if(!t)return;var d=new DOMParser().parseFromString(t,'text/html');var m=d.querySelector('main');if(m)document.querySelector('main').replaceWith(m);}).catch(function(){});},30000);})();
`;

/** Wraps page content in the document shell shared by every status page. */
export function renderLayout(title: string, generatedAt: string, content: SafeHtml): string {
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Phoenix</title>
<style>${new SafeHtml(styles)}</style>
</head>
<body>
<header><h1>${title}</h1><p>Updated <time datetime="${generatedAt}">${generatedAt}</time></p></header>
<main>${content}</main>
<script>${new SafeHtml(refreshScript)}</script>
</body>
</html>`.value}\n`;
}
