/**
 * Server-rendered pages: one accessible layout (landmarks, labelled controls, visible focus,
 * enough contrast), no JavaScript required. Every interpolated value goes through `escapeHtml`.
 */
import escapeHtml from 'escape-html';

export { escapeHtml };

/** Tagged template that escapes every interpolated value unless it is already `SafeHtml`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Builds escaped HTML; nested `html` fragments and arrays of them are kept as they are. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new SafeHtml(out);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

const STYLE = `
:root{--ink:#1d1c1d;--muted:#4a4a55;--line:#d9d9e3;--bg:#f6f6fa;--brand:#3b2fc9;--ok:#0b7a3e;--warn:#a15c00;--bad:#b3261e}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#fff;border-bottom:1px solid var(--line)}header div{max-width:760px;margin:auto;padding:14px 20px;display:flex;align-items:center;gap:10px}
.logo{width:28px;height:28px;border-radius:7px;background:linear-gradient(135deg,#3b2fc9,#1aa6b7)}header b{font-size:18px}
main{max-width:760px;margin:28px auto;padding:0 20px}.card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:24px;margin-bottom:20px}
h1{font-size:26px;margin:0 0 8px}h2{font-size:19px;margin:0 0 12px}p{margin:0 0 12px}.muted{color:var(--muted)}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:10px 8px;border-bottom:1px solid var(--line);vertical-align:middle}th{font-size:14px;color:var(--muted)}
.btn{display:inline-block;border:0;border-radius:8px;padding:9px 16px;font:inherit;font-weight:600;text-decoration:none;cursor:pointer;background:var(--brand);color:#fff}
.btn.secondary{background:#fff;color:var(--brand);border:1px solid var(--brand)}.btn:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.ok{color:var(--ok);font-weight:600}.warn{color:var(--warn);font-weight:600}.bad{color:var(--bad);font-weight:600}
fieldset{border:0;margin:0 0 16px;padding:0}legend{font-weight:600;margin-bottom:8px}label.choice{display:flex;gap:10px;align-items:center;padding:10px;border:1px solid var(--line);border-radius:8px;margin-bottom:8px;cursor:pointer}
.badge{display:inline-block;font-size:12px;padding:2px 8px;border-radius:999px;background:#ecebff;color:var(--brand);font-weight:600}
.notice{border-left:4px solid var(--ok);background:#eefaf3;padding:10px 14px;border-radius:6px;margin-bottom:16px}.problem{border-left:4px solid var(--bad);background:#fdf0ef}
footer{max-width:760px;margin:0 auto 30px;padding:0 20px;color:var(--muted);font-size:14px}
`;

/** The page layout. */
export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Crosstalk</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<header><div><span class="logo" aria-hidden="true"></span><b>Crosstalk</b></div></header>
<main id="main">${body}</main>
<footer>Crosstalk keeps Slack, Microsoft Teams, Webex and Zoom in sync for your organization.</footer>
</body>
</html>`.value;
}

/** A page that explains a problem and what to do; never any data. */
export function problemPage(title: string, message: string): string {
  return layout(title, html`<section class="card" aria-labelledby="t"><h1 id="t">${title}</h1><p class="notice problem" role="alert">${message}</p></section>`);
}
