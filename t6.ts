import { slackToNeutral } from './adapters/slack/format.js';
import { fromNeutral } from './adapters/teams/format.js';
import { parseNeutral, renderNeutral, markEmoji } from './src/format/index.js';
const msgs = ['hey <@U1|Ada> can you look at *this* :tada:', 'plain text message with nothing in it', 'see <https://ex.test/a_b|docs> and `code` ~old~ _new_ :+1::skin-tone-3:'];
const cpu = (label: string, f: (m: string) => unknown) => {
  for (let i = 0; i < 300; i++) f(msgs[i % 3]!);
  const N = 2000; const c = process.cpuUsage();
  for (let i = 0; i < N; i++) f(msgs[i % 3]!);
  const u = process.cpuUsage(c); console.log(label, ((u.user + u.system) / N).toFixed(1), 'µs CPU/msg');
};
cpu('slack→neutral', slackToNeutral);
const neutral = msgs.map(slackToNeutral);
cpu('parseNeutral', (m) => parseNeutral(m));
cpu('render neutral', (m) => renderNeutral(parseNeutral(m)));
cpu('neutral→teams', (m) => fromNeutral(m));
const re = new RegExp('\\p{RGI_Emoji}', 'gv');
cpu('RGI regex scan', (m) => m.match(re));
cpu('markEmoji', (m) => markEmoji({ type: 'root', children: [{ type: 'paragraph', children: [{ type: 'text', value: m }] }] }));
