/**
 * The page's "Try this" panel: five journeys a newcomer can follow from a fresh start, each step
 * a line to type into a named pane (with a button that types it for them).
 */
import { PLATFORM_SHORT_NAMES, type Platform } from '../../src/chat-adapter.js';
import { html, SafeHtml } from '../../src/http/pages.js';
import { DEMO_CHANNEL_NAMES, DEMO_PENDING, DEMO_SYNCED, DEMO_WORKSPACE_NAMES } from '../demo-org.js';
import type { PlatformPane } from './panes.js';


function nameOf(panes: PlatformPane[], email: string): string {
  for (const pane of panes) {
    const user = pane.users().find((u) => u.email === email);
    if (user) return user.name;
  }
  return email;
}

/** A line to type in a pane, with a button that puts it in that pane's box. */
function typeIt(platform: Platform, text: string): SafeHtml {
  return html`<span class="step-line"><code>${text}</code> <button type="button" class="fill" data-fill="${platform}" data-text="${text}">Type it in ${PLATFORM_SHORT_NAMES[platform]}</button></span>`;
}

/** The five journeys, for the panes that are running. */
export function journeysPanel(panes: PlatformPane[]): SafeHtml {
  const has = (p: Platform) => panes.some((pane) => pane.platform === p);
  const slackChannel = panes.find((p) => p.platform === 'slack')?.channels().find((c) => c.name === `#${DEMO_CHANNEL_NAMES.slack}`);
  const ada = nameOf(panes, DEMO_SYNCED.slack);
  const margaret = nameOf(panes, DEMO_SYNCED.teams);
  const guido = nameOf(panes, DEMO_SYNCED.zoom);
  const alan = nameOf(panes, DEMO_PENDING);
  const items: SafeHtml[] = [];
  if (has('slack') && has('teams')) {
    items.push(html`<details name="journey" data-journey="dm"><summary>1 · Cross-platform DM</summary><div class="journey">
<p>Both people must be synced for a DM to reach them. ${ada} (Slack) and ${margaret} (Teams) already are.</p>
<ol><li>In Slack, as ${ada}: ${typeIt('slack', `/crosstalk dm ${DEMO_SYNCED.teams} Hello from Slack :tada:`)}</li>
<li>It arrives in ${margaret}'s Crosstalk chat in Teams. Reply there with plain text: ${typeIt('teams', 'Hi Ada, got it!')} A plain reply goes to whoever wrote to you last.</li>
<li>Edit (✎) or delete (🗑) your message, or react to one in Slack: the copy on the other side follows.</li></ol></div></details>`);
  }
  if (has('slack')) {
    items.push(html`<details name="journey" data-journey="sync"><summary>2 · Sync now</summary><div class="journey">
<p>${alan} has not synced yet; a Sync now prompt is waiting for him.</p>
<ol><li>In Slack, choose <strong>${alan}</strong> under “You are”.</li>
<li>Click <strong>Sync now</strong> in his Crosstalk chat, then <strong>Connect Slack</strong> and pick his account.</li>
<li>Choose his primary team and click <strong>Finish sync</strong>. ${typeIt('slack', '/crosstalk status')} now says Sync: on.</li></ol></div></details>`);
    if (slackChannel) {
      items.push(html`<details name="journey" data-journey="group"><summary>3 · Group sync and undo</summary><div class="journey">
<p>${slackChannel.name} in ${DEMO_WORKSPACE_NAMES.slack} is empty (see “Channels” in the Slack pane). As ${ada}:</p>
<ol><li>${typeIt('slack', `/crosstalk group create everyone channel=${slackChannel.ref} type=organization`)}</li>
<li>Everyone with a Slack account joins ${slackChannel.name}: watch its member count.</li>
<li>${typeIt('slack', '/crosstalk group undo everyone')} then click <strong>Confirm</strong>: exactly the people it added leave again.</li></ol></div></details>`);
    }
  }
  if (has('slack') && has('zoom')) {
    items.push(html`<details name="journey" data-journey="contacts"><summary>4 · Contact sync</summary><div class="journey">
<p>${ada} keeps a contact group and pushes it to ${guido} on Zoom. As ${ada} in Slack:</p>
<ol><li>${typeIt('slack', `/crosstalk contacts group add leads ${DEMO_SYNCED.teams} ${DEMO_SYNCED.webex}`)}</li>
<li>${typeIt('slack', `/crosstalk contactsync create leads-to-guido source=${DEMO_SYNCED.slack} group=leads to=${DEMO_SYNCED.zoom}`)}</li>
<li>In Zoom, as ${guido}: ${typeIt('zoom', '/crosstalk contacts')} shows “leads”, read-only.</li></ol></div></details>`);
  }
  items.push(html`<details name="journey" data-journey="admin"><summary>5 · Admin page</summary><div class="journey">
<ol><li>Open the <a href="/admin" target="_blank" rel="noopener">admin page</a> and click <strong>Sign in as the demo admin</strong> (${ada}).</li>
<li>Filter the People table by primary platform or sync status; reset someone after a confirmation.</li></ol></div></details>`);
  return html`<nav class="journeys" aria-label="Try this"><span class="journeys-title">Try this:</span>${new SafeHtml(items.map((i) => i.value).join(''))}</nav>`;
}
