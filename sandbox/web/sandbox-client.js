// The sandbox page's script: each pane shows one user's chats on one simulated platform, reloads
// them when the server says that platform changed, and sends what is typed or clicked.
(() => {
  'use strict';

  const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

  function openHref(platform, user, url) {
    return `/sandbox/open?${new URLSearchParams({ platform, user, url })}`;
  }

  // Neutral text (Crosstalk markdown) as the platform clients render it.
  function renderText(text, platform, user) {
    const slots = [];
    const hold = (h) => `\u0000${slots.push(h) - 1}\u0000`;
    let s = text.replace(/```\n?([\s\S]*?)\n?```/g, (_, code) => hold(`<pre>${escapeHtml(code)}</pre>`));
    s = s.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${escapeHtml(code)}</code>`));
    s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, (_, label, url) =>
      hold(`<a href="${escapeHtml(openHref(platform, user, url))}" target="_blank" rel="noopener">${escapeHtml(label)}</a>`),
    );
    s = s.replace(/https?:\/\/[^\s<>()]+/g, (url) => hold(`<a href="${escapeHtml(openHref(platform, user, url))}" target="_blank" rel="noopener">${escapeHtml(url)}</a>`));
    s = s.replace(/<@[^|>]+\|([^>]+)>/g, (_, name) => hold(`<span class="mention">@${escapeHtml(name)}</span>`));
    s = escapeHtml(s);
    s = s.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
    s = s.replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,!?:;])/g, '$1<em>$2</em>');
    s = s.replace(/~~(.+?)~~/g, '<del>$1</del>');
    s = s.replace(/\n/g, '<br>');
    return s.replace(/\u0000(\d+)\u0000/g, (_, i) => slots[Number(i)]);
  }

  function initials(name) {
    const parts = name.replace(/[^\p{L}\s-]/gu, '').split(/[\s-]+/).filter(Boolean);
    return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
  }

  function hue(name) {
    let h = 0;
    for (const ch of name) h = (h * 31 + ch.codePointAt(0)) % 360;
    return h;
  }

  function avatar(name, bot) {
    const span = document.createElement('span');
    span.className = bot ? 'avatar bot' : 'avatar';
    span.setAttribute('aria-hidden', 'true');
    span.textContent = bot && name === 'Crosstalk' ? '⇄' : initials(name);
    if (!(bot && name === 'Crosstalk')) span.style.background = `hsl(${hue(name)} 45% 42%)`;
    return span;
  }

  function time(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  class Pane {
    constructor(root) {
      this.root = root;
      this.platform = root.dataset.pane;
      this.select = root.querySelector('[data-user]');
      this.chatList = root.querySelector('[data-chats]');
      this.channelList = root.querySelector('[data-channels]');
      this.title = root.querySelector('[data-chat-title]');
      this.list = root.querySelector('[data-messages]');
      this.form = root.querySelector('[data-composer]');
      this.input = this.form.querySelector('input');
      this.status = root.querySelector('[data-status]');
      this.chat = 'bot';
      this.view = undefined;
      this.loading = undefined;
      this.again = false;
      this.select.addEventListener('change', () => {
        this.chat = 'bot';
        this.refresh();
      });
      this.form.addEventListener('submit', (e) => {
        e.preventDefault();
        this.send();
      });
    }

    get user() {
      return this.select.value;
    }

    async refresh() {
      if (this.loading) {
        this.again = true;
        return this.loading;
      }
      this.loading = (async () => {
        do {
          this.again = false;
          const res = await fetch(`/sandbox/api/${this.platform}/view?${new URLSearchParams({ user: this.user })}`);
          if (res.ok) this.render(await res.json());
        } while (this.again);
      })().finally(() => {
        this.loading = undefined;
      });
      return this.loading;
    }

    render(view) {
      this.view = view;
      this.channelList.replaceChildren(
        ...(view.channels ?? []).map((c) => {
          const li = document.createElement('li');
          li.className = 'channel';
          li.title = `channel=${c.ref}`;
          li.dataset.ref = c.ref;
          const name = document.createElement('span');
          name.textContent = c.name;
          const count = document.createElement('span');
          count.className = 'count';
          count.dataset.members = String(c.members);
          count.textContent = `${c.members} member${c.members === 1 ? '' : 's'}`;
          li.append(name, count);
          return li;
        }),
      );
      if (!view.chats.some((c) => c.id === this.chat)) this.chat = 'bot';
      this.chatList.replaceChildren(
        ...view.chats.map((c) => {
          const li = document.createElement('li');
          const button = document.createElement('button');
          button.type = 'button';
          button.className = c.id === this.chat ? 'chat-link active' : 'chat-link';
          if (c.id === this.chat) button.setAttribute('aria-current', 'true');
          button.append(avatar(c.title, c.kind === 'bot'));
          const label = document.createElement('span');
          label.textContent = c.title;
          button.append(label);
          button.addEventListener('click', () => {
            this.chat = c.id;
            this.render(this.view);
            this.input.focus();
          });
          li.append(button);
          return li;
        }),
      );
      const chat = view.chats.find((c) => c.id === this.chat);
      this.title.textContent = chat ? chat.title : '';
      const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
      const messages = chat?.messages ?? [];
      if (messages.length) this.list.replaceChildren(...messages.map((m) => this.message(m)));
      else {
        const empty = document.createElement('li');
        empty.className = 'empty';
        empty.textContent = chat?.kind === 'bot' ? 'No messages yet. Say hi, or type /crosstalk help.' : 'No messages yet.';
        this.list.replaceChildren(empty);
      }
      if (this.editing && !messages.some((m) => m.id === this.editing)) this.editing = undefined;
      if (atBottom || this.list.dataset.chat !== this.chat) this.list.scrollTop = this.list.scrollHeight;
      this.list.dataset.chat = this.chat;
      this.input.disabled = !chat?.canType;
      this.input.placeholder = chat?.canType ? (chat.kind === 'bot' ? 'Message Crosstalk, or /crosstalk help' : `Message ${chat.title}`) : 'Reply through the Crosstalk chat';
    }

    message(m) {
      const li = document.createElement('li');
      li.className = `msg${m.mine ? ' mine' : ''}${m.bot ? ' from-bot' : ''}`;
      li.append(avatar(m.author, m.bot));
      const body = document.createElement('div');
      body.className = 'msg-body';
      const head = document.createElement('div');
      head.className = 'msg-head';
      const who = document.createElement('strong');
      who.textContent = m.author;
      head.append(who);
      if (m.bot) {
        const tag = document.createElement('span');
        tag.className = 'app-tag';
        tag.textContent = 'App';
        head.append(tag);
      }
      const when = document.createElement('time');
      when.textContent = time(m.at);
      if (m.at) when.dateTime = m.at;
      head.append(when);
      body.append(head);
      if (this.editing === m.id) {
        body.append(this.editor(m));
      } else {
        const text = document.createElement('div');
        text.className = 'msg-text';
        text.innerHTML = renderText(m.text, this.platform, this.user);
        if (m.edited) {
          const edited = document.createElement('span');
          edited.className = 'edited';
          edited.textContent = ' (edited)';
          text.append(edited);
        }
        body.append(text);
      }
      if (m.reactions?.length) {
        const row = document.createElement('div');
        row.className = 'reactions';
        for (const r of m.reactions) {
          const chip = document.createElement('button');
          chip.type = 'button';
          chip.className = r.mine ? 'reaction mine' : 'reaction';
          chip.textContent = `${r.label} ${r.count}`;
          chip.setAttribute('aria-label', `${r.label} ${r.count}, ${r.mine ? 'remove yours' : 'add yours'}`);
          chip.addEventListener('click', () => this.post('react', { message: m.id, reaction: r.name }));
          row.append(chip);
        }
        body.append(row);
      }
      const can = m.can ?? {};
      if ((can.edit || can.delete || can.react) && this.editing !== m.id) body.append(this.tools(m, can));
      if (m.buttons.length) {
        const row = document.createElement('div');
        row.className = 'msg-buttons';
        let actionIndex = 0;
        for (const b of m.buttons) {
          if (b.url) {
            const a = document.createElement('a');
            a.className = `msg-button${b.style ? ` ${b.style}` : ''}`;
            a.href = openHref(this.platform, this.user, b.url);
            a.target = '_blank';
            a.rel = 'noopener';
            a.textContent = b.label;
            row.append(a);
          } else {
            const index = actionIndex++;
            const button = document.createElement('button');
            button.type = 'button';
            button.className = `msg-button${b.style ? ` ${b.style}` : ''}`;
            button.textContent = b.label;
            button.addEventListener('click', () => this.click(m.id, index, button));
            row.append(button);
          }
        }
        body.append(row);
      }
      if (m.note) {
        const note = document.createElement('p');
        note.className = 'msg-note';
        note.textContent = m.note;
        body.append(note);
      }
      li.append(body);
      return li;
    }

    tools(m, can) {
      const bar = document.createElement('div');
      bar.className = 'msg-tools';
      const tool = (label, title, onClick) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        b.title = title;
        b.setAttribute('aria-label', title);
        b.addEventListener('click', onClick);
        bar.append(b);
        return b;
      };
      if (can.react) {
        for (const r of this.view.reactions ?? []) {
          tool(r.label, `React with ${r.name}`, () => this.post('react', { message: m.id, reaction: r.name }));
        }
      }
      if (can.edit) {
        tool('✎', 'Edit message', () => {
          this.editing = m.id;
          this.editDraft = undefined;
          this.render(this.view);
        });
      }
      if (can.delete) tool('🗑', 'Delete message', () => this.post('delete', { message: m.id }));
      return bar;
    }

    editor(m) {
      const form = document.createElement('form');
      form.className = 'msg-editor';
      const input = document.createElement('input');
      // Live refreshes re-render the pane while someone types: keep what they typed.
      input.value = this.editDraft ?? m.text;
      input.addEventListener('input', () => {
        this.editDraft = input.value;
      });
      input.setAttribute('aria-label', 'Edit message');
      const save = document.createElement('button');
      save.type = 'submit';
      save.textContent = 'Save';
      const cancel = document.createElement('button');
      cancel.type = 'button';
      cancel.textContent = 'Cancel';
      cancel.addEventListener('click', () => {
        this.editing = undefined;
        this.editDraft = undefined;
        this.render(this.view);
      });
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const text = input.value.trim();
        if (!text) return;
        this.editing = undefined;
        this.editDraft = undefined;
        await this.post('edit', { message: m.id, text });
      });
      form.append(input, save, cancel);
      setTimeout(() => input.focus(), 0);
      return form;
    }

    async post(path, payload) {
      this.status.textContent = '';
      const res = await fetch(`/sandbox/api/${this.platform}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: this.user, chat: this.chat, ...payload }),
      });
      if (!res.ok) {
        const answer = await res.json().catch(() => ({}));
        this.status.textContent = answer.message ?? 'That did not work; see the service log.';
      }
      await this.refresh();
      return res.ok;
    }

    async send() {
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = '';
      if (!(await this.post('send', { text }))) this.input.value = text;
      this.input.focus();
    }

    async click(message, index, button) {
      button.disabled = true;
      await this.post('click', { message, index });
      button.disabled = false;
    }
  }

  const panes = [...document.querySelectorAll('[data-pane]')].map((root) => new Pane(root));
  // "Type it" buttons in the Try this panel put a line into a pane's message box.
  for (const button of document.querySelectorAll('[data-fill]')) {
    button.addEventListener('click', () => {
      const pane = panes.find((p) => p.platform === button.dataset.fill);
      if (!pane) return;
      if (pane.chat !== 'bot') {
        pane.chat = 'bot';
        if (pane.view) pane.render(pane.view);
      }
      // Close the steps so they do not cover the panes; the journey's button opens them again.
      const journey = button.closest('details');
      if (journey) journey.open = false;
      pane.input.value = button.dataset.text;
      pane.input.focus();
      pane.root.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    });
  }
  for (const pane of panes) pane.refresh();
  const events = new EventSource('/sandbox/events');
  events.addEventListener('change', (e) => {
    const { platform } = JSON.parse(e.data);
    for (const pane of panes) if (pane.platform === platform) pane.refresh();
  });
  events.addEventListener('open', () => {
    for (const pane of panes) pane.refresh();
  });
})();
