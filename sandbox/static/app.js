// The sandbox's chat page: plain JavaScript, no build step, no third-party code.
//
// Safety: a message is drawn from the text and the entities the local Bot API server
// computed, with text nodes (textContent) and createElement for the formatting; no message
// text ever goes through innerHTML, and link targets are limited to http, https and tg.
"use strict";

(() => {
  const state = {
    bot: null,
    users: [],
    userId: null,
    commands: [],
    nodes: new Map(), // message_id -> element, for the chat on screen
    loading: false,
    buffered: [],
    input: { reply_keyboard: null, force_reply: null }, // the chat's reply keyboard
    keyboardOpen: true, // the user's own show/hide of it
    // "<viewer id>:<conversation>" -> messages that arrived while it was not on screen; the
    // conversation is "bot" (the viewer's chat with the bot) or the other user's id.
    unread: new Map(),
    controls: {},
    peerId: null, // the other user of the chat on screen; null: the chat with the bot
    chatId: null, // the id the server stores the chat on screen under
    inline: { seq: 0, timer: null, queryId: null, query: null }, // "@bot …" in the composer
    share: null, // the inline query a share button is taking to a chat
  };
  const INLINE_DEBOUNCE_MS = 250;
  // The location panel's presets: a few cities in zones worth trying (half-hour and
  // quarter-hour offsets, both hemispheres, the date line).
  const PLACES = [
    ["Moscow", 55.7558, 37.6173],
    ["Kyiv", 50.4501, 30.5234],
    ["New York", 40.7128, -74.006],
    ["São Paulo", -23.5505, -46.6333],
    ["Yekaterinburg", 56.8389, 60.6057],
    ["Kathmandu", 27.7172, 85.324],
    ["Los Angeles", 34.0522, -118.2437],
    ["Kiritimati", 1.8721, -157.4278],
  ];
  const $ = (id) => document.getElementById(id);
  const chat = $("chat");
  let typingTimer = null;
  let toastTimer = null;

  // ------------------------------------------------------------------ server

  async function api(path, body) {
    const options = body === undefined ? {} : {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    };
    const response = await fetch(path, options);
    if (!response.ok) {
      const text = await response.text();
      let message = text || response.statusText;
      try {
        message = JSON.parse(text).message || message; // the controls answer in JSON
      } catch (error) {
        // plain text
      }
      throw new Error(message);
    }
    return response.json();
  }

  // ------------------------------------------------------------------ rendering

  const TAGS = {
    bold: "b",
    italic: "i",
    underline: "u",
    strikethrough: "s",
    code: "code",
    pre: "pre",
    blockquote: "blockquote",
    expandable_blockquote: "blockquote",
    text_link: "a",
    url: "a",
    bot_command: "a",
  };

  function safeHref(url) {
    try {
      const parsed = new URL(String(url), window.location.href);
      if (["http:", "https:", "tg:"].includes(parsed.protocol)) return parsed.href;
    } catch (error) {
      // not a URL at all
    }
    return null;
  }

  function entityElement(entity, text) {
    const element = document.createElement(TAGS[entity.type] || "span");
    element.className = "e-" + String(entity.type).replace(/[^a-z_]/g, "");
    if (entity.type === "text_link" || entity.type === "url") {
      const href = safeHref(entity.type === "url" ? text : entity.url);
      if (href) {
        element.href = href;
        element.target = "_blank";
        element.rel = "noopener noreferrer";
      }
    } else if (entity.type === "bot_command") {
      element.href = "#";
      element.addEventListener("click", (event) => {
        event.preventDefault();
        sendText(text.split("@")[0]);
      });
    } else if (entity.type === "spoiler") {
      element.addEventListener("click", () => element.classList.add("revealed"));
    }
    return element;
  }

  // Entities are sorted by offset, longest first; offsets and lengths are in UTF-16 code
  // units, which is what JavaScript strings index by.
  function build(parent, text, start, end, entities) {
    let position = start;
    let i = 0;
    while (i < entities.length) {
      const entity = entities[i];
      const from = Math.max(entity.offset, position);
      const to = Math.min(entity.offset + entity.length, end);
      if (from >= to) {
        i += 1;
        continue;
      }
      if (from > position) parent.appendChild(document.createTextNode(text.slice(position, from)));
      let j = i + 1;
      const inner = [];
      while (j < entities.length && entities[j].offset < to) {
        inner.push(entities[j]);
        j += 1;
      }
      const element = entityElement(entity, text.slice(from, to));
      build(element, text, from, to, inner);
      parent.appendChild(element);
      position = to;
      i = j;
    }
    if (position < end) parent.appendChild(document.createTextNode(text.slice(position, end)));
  }

  function renderText(parent, text, entities) {
    const valid = (entities || [])
      .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    build(parent, text, 0, text.length, valid);
  }

  function renderKeyboard(message) {
    const rows = (message.reply_markup && message.reply_markup.inline_keyboard) || [];
    if (!rows.length) return null;
    const keyboard = document.createElement("div");
    keyboard.className = "keyboard";
    for (const row of rows) {
      const line = document.createElement("div");
      line.className = "keyboard-row";
      for (const button of row) {
        let element;
        const deepLink = botLink(button.url);
        if (typeof button.callback_data === "string") {
          element = document.createElement("button");
          element.type = "button";
          element.dataset.callbackData = button.callback_data;
          element.addEventListener("click", () => tap(message.message_id, button, element));
        } else if (switchQuery(button) !== null) {
          element = document.createElement("button");
          element.type = "button";
          element.classList.add("switch-inline");
          element.addEventListener("click", () => switchInline(button));
        } else if (deepLink) {
          // A t.me link to the bot opens its chat with the link applied, as the app does.
          element = document.createElement("a");
          element.href = deepLink;
          element.classList.add("deep-link");
          element.addEventListener("click", (event) => {
            event.preventDefault();
            openLink(deepLink);
          });
        } else {
          element = document.createElement("a");
          const href = safeHref(button.url);
          if (href) {
            element.href = href;
            element.target = "_blank";
            element.rel = "noopener noreferrer";
          }
        }
        element.classList.add("inline-button");
        element.textContent = String(button.text);
        line.appendChild(element);
      }
      keyboard.appendChild(line);
    }
    return keyboard;
  }

  function renderMessage(message) {
    const mine = Boolean(message.from && message.from.id === state.userId);
    const element = document.createElement("div");
    element.className = "message " + (mine ? "out" : "in");
    element.dataset.messageId = String(message.message_id);
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    if (message.via_bot && message.via_bot.username) {
      // Posted from an inline result: "via @bot", which opens the bot's chat in the app.
      const via = document.createElement("div");
      via.className = "via";
      via.append("via ");
      const name = document.createElement("b");
      name.textContent = "@" + String(message.via_bot.username);
      via.appendChild(name);
      bubble.appendChild(via);
    }
    if (Array.isArray(message.photo) && message.photo.length) {
      const image = document.createElement("img");
      image.className = "photo";
      image.alt = "photo";
      image.src = "/api/files/" + encodeURIComponent(message.photo[message.photo.length - 1].file_id);
      bubble.appendChild(image);
    }
    if (message.location) {
      const place = document.createElement("div");
      place.className = "location";
      const { latitude, longitude } = message.location;
      place.textContent = `📍 Location: ${Number(latitude).toFixed(4)}, ${Number(longitude).toFixed(4)}`;
      bubble.appendChild(place);
    }
    const isText = typeof message.text === "string";
    const text = isText ? message.text : message.caption;
    if (typeof text === "string" && text) {
      const body = document.createElement("div");
      body.className = "text";
      renderText(body, text, isText ? message.entities : message.caption_entities);
      bubble.appendChild(body);
    }
    const meta = document.createElement("div");
    meta.className = "meta";
    const when = new Date((message.date || 0) * 1000);
    meta.textContent = (message.edit_date ? "edited " : "") +
      when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    bubble.appendChild(meta);
    element.appendChild(bubble);
    const keyboard = renderKeyboard(message);
    if (keyboard) element.appendChild(keyboard);
    return element;
  }

  function upsert(message) {
    $("empty").hidden = true;
    const element = renderMessage(message);
    const old = state.nodes.get(message.message_id);
    if (old) {
      old.replaceWith(element); // an edit: in place
    } else {
      const later = [...state.nodes.entries()]
        .filter(([id]) => id > message.message_id)
        .sort(([a], [b]) => a - b)[0];
      chat.insertBefore(element, later ? later[1] : null);
      chat.scrollTop = chat.scrollHeight;
    }
    state.nodes.set(message.message_id, element);
  }

  function remove(messageId) {
    const old = state.nodes.get(messageId);
    if (old) old.remove();
    state.nodes.delete(messageId);
    $("empty").hidden = state.nodes.size > 0;
  }

  // ------------------------------------------------------------------ reply keyboard

  // The chat's reply keyboard is state of the chat (the server's), shown under the composer
  // until the bot removes or replaces it; a one-time keyboard hides after a press, and the
  // ⌨ button shows it again, as in Telegram's apps.
  function setInput(input, fresh) {
    const before = state.input.reply_keyboard;
    state.input = input || { reply_keyboard: null, force_reply: null };
    const keyboard = state.input.reply_keyboard;
    if (fresh || !before || !keyboard || before.message_id !== keyboard.message_id) {
      state.keyboardOpen = Boolean(keyboard && !keyboard.hidden);
    } else if (keyboard.hidden && !before.hidden) {
      state.keyboardOpen = false; // a one-time keyboard after its press
    }
    renderInput();
  }

  function renderInput() {
    const keyboard = state.input.reply_keyboard;
    const area = $("reply-keyboard");
    const toggle = $("keyboard-toggle");
    area.replaceChildren();
    toggle.hidden = !keyboard;
    const open = Boolean(keyboard) && state.keyboardOpen;
    // A panel takes its place.
    area.hidden = !open || !$("location-panel").hidden || !$("share-panel").hidden;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.classList.toggle("active", open);
    if (keyboard) {
      area.classList.toggle("tall", !keyboard.resize_keyboard);
      for (const row of keyboard.keyboard || []) {
        const line = document.createElement("div");
        line.className = "reply-row";
        for (const button of row) {
          const element = document.createElement("button");
          element.type = "button";
          element.className = "reply-button";
          element.textContent = String(button.text);
          if (button.request_location) element.classList.add("requests-location");
          element.addEventListener("click", () => pressReply(button));
          line.appendChild(element);
        }
        area.appendChild(line);
      }
    }
    const force = state.input.force_reply;
    const placeholder = (open && keyboard.input_field_placeholder) ||
      (force && force.input_field_placeholder) || "Message";
    $("text").placeholder = placeholder;
  }

  async function pressReply(button) {
    if (button.request_location) {
      openLocationPanel();
      return;
    }
    if (button.request_contact) {
      toast("The sandbox has no phone number to share.", true);
      return;
    }
    try {
      await api(`/api/chats/${state.userId}/keyboard`, { text: button.text });
      pressed();
    } catch (error) {
      toast(String(error.message || error), true);
    }
  }

  // A press on a one-time keyboard hides it, also when the user had shown it again.
  function pressed() {
    const keyboard = state.input.reply_keyboard;
    if (keyboard && keyboard.one_time_keyboard) {
      state.keyboardOpen = false;
      renderInput();
    }
  }

  function openLocationPanel() {
    toggleMenu(false);
    $("location-error").hidden = true;
    $("location-panel").hidden = false;
    renderInput();
    $("latitude").focus();
  }

  function closeLocationPanel() {
    $("location-panel").hidden = true;
    renderInput();
  }

  function coordinate(id, bound, name) {
    const raw = $(id).value.trim();
    const value = Number(raw);
    if (raw === "" || !Number.isFinite(value) || value < -bound || value > bound) {
      throw new Error(`${name} must be a number from ${-bound} to ${bound}.`);
    }
    return value;
  }

  async function shareLocation(latitude, longitude) {
    try {
      await api(`/api/chats/${state.userId}/locations`, { latitude, longitude });
      closeLocationPanel();
      pressed();
    } catch (error) {
      const box = $("location-error");
      box.textContent = String(error.message || error);
      box.hidden = false;
    }
  }

  function setupLocationPanel() {
    const places = $("places");
    for (const [name, latitude, longitude] of PLACES) {
      const place = document.createElement("button");
      place.type = "button";
      place.className = "place";
      place.textContent = name;
      place.title = `${latitude}, ${longitude}`;
      place.addEventListener("click", () => shareLocation(latitude, longitude));
      places.appendChild(place);
    }
    $("location-cancel").addEventListener("click", closeLocationPanel);
    $("location-panel").addEventListener("submit", (event) => {
      event.preventDefault();
      let latitude;
      let longitude;
      try {
        latitude = coordinate("latitude", 90, "Latitude");
        longitude = coordinate("longitude", 180, "Longitude");
      } catch (error) {
        $("location-error").textContent = error.message;
        $("location-error").hidden = false;
        return;
      }
      shareLocation(latitude, longitude);
    });
  }

  // ------------------------------------------------------------------ sandbox controls

  // The answer stays next to the button (until another user is picked), in place of its hint.
  function showDueNowAnswer(text, status) {
    const answer = $("due-now-answer");
    answer.textContent = text || "";
    answer.hidden = !text;
    answer.dataset.status = status || "";
    document.querySelector(".control-hint").hidden = Boolean(text);
  }

  async function makeDueNow() {
    const button = $("due-now");
    button.disabled = true;
    try {
      const answer = await api(`/api/chats/${state.userId}/due-now`, {});
      showDueNowAnswer(answer.message, answer.status);
    } catch (error) {
      showDueNowAnswer(String(error.message || error), "error");
    } finally {
      button.disabled = false;
    }
  }

  // A message in a chat not on screen (a push arrives for everyone; a friend shares a
  // horoscope) shows as a count next to its user's name and on the chat in the chat list.
  function unreadOf(viewer) {
    let count = 0;
    for (const [key, n] of state.unread) if (key.startsWith(`${viewer}:`)) count += n;
    return count;
  }

  function addUnread(viewer, conversation) {
    const key = `${viewer}:${conversation}`;
    state.unread.set(key, (state.unread.get(key) || 0) + 1);
    renderUnread();
  }

  function userName(user) {
    return user.is_admin ? `${user.first_name} (admin)` : user.first_name;
  }

  function renderUnread() {
    for (const option of $("user-select").options) {
      const user = state.users.find((u) => String(u.id) === option.value);
      if (!user) continue;
      const count = unreadOf(user.id);
      option.textContent = count ? `${userName(user)} • ${count} new` : userName(user);
    }
    renderChatList();
  }

  // ------------------------------------------------------------------ chats

  // The viewer's chats: the bot's, then one with each other sandbox user (the bot is not in
  // those; inline results go there).
  function renderChatList() {
    const list = $("chat-list");
    if (!state.bot || state.userId === null) return;
    list.replaceChildren();
    const entries = [[null, "♌", state.bot.first_name]];
    for (const user of state.users) {
      if (user.id !== state.userId) entries.push([user.id, initial(user.first_name), user.first_name]);
    }
    for (const [peerId, mark, name] of entries) {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "chat-item" + (peerId === null ? " bot-chat" : "");
      item.dataset.peer = peerId === null ? "bot" : String(peerId);
      item.setAttribute("aria-pressed", String(peerId === state.peerId));
      const avatar = document.createElement("span");
      avatar.className = "chat-avatar";
      avatar.textContent = mark;
      const label = document.createElement("span");
      label.className = "chat-name";
      label.textContent = name;
      item.append(avatar, label);
      const count = state.unread.get(`${state.userId}:${peerId === null ? "bot" : peerId}`);
      if (count) {
        const badge = document.createElement("span");
        badge.className = "chat-unread";
        badge.textContent = String(count);
        item.appendChild(badge);
      }
      item.addEventListener("click", () => selectChat(peerId));
      list.appendChild(item);
    }
  }

  function initial(name) {
    return Array.from(String(name || "?"))[0].toUpperCase();
  }

  function peerUser() {
    return state.users.find((u) => u.id === state.peerId);
  }

  function renderHeader() {
    const peer = peerUser();
    const me = currentUser();
    $("avatar").textContent = peer ? initial(peer.first_name) : "♌";
    $("avatar").classList.toggle("person", Boolean(peer));
    $("bot-name").textContent = peer ? peer.first_name : state.bot.first_name;
    setTyping(false);
    const hint = $("empty-hint");
    hint.replaceChildren();
    if (peer) {
      $("bot-status").textContent =
        `${me ? me.first_name : "?"} → ${peer.first_name} · private chat, the bot is not in it`;
      const mention = document.createElement("b");
      mention.textContent = `@${state.bot.username} leo`;
      hint.append("No messages yet. Type ", mention, " to share a horoscope.");
    } else {
      const command = document.createElement("b");
      command.textContent = "/start";
      hint.append("Send ", command, " to begin.");
    }
  }

  async function selectChat(peerId) {
    closeInline();
    closeSharePanel();
    closeLocationPanel();
    toggleMenu(false);
    state.peerId = peerId;
    state.unread.delete(`${state.userId}:${peerId === null ? "bot" : peerId}`);
    renderUnread();
    renderHeader();
    renderCommands();
    renderAbout();
    await loadChat();
  }

  // ------------------------------------------------------------------ inline mode

  // "@<bot> <query>" at the start of the composer: the query, or null (not inline mode).
  function inlineQueryOf(text) {
    if (!state.bot || !state.bot.username) return null;
    const prefix = "@" + state.bot.username;
    if (text.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return null;
    const rest = text.slice(prefix.length);
    return /^\s/.test(rest) ? rest.slice(1) : null;
  }

  // Every change of the query (debounced) is an inline query; only the latest one's answer
  // is shown.
  function onComposerInput() {
    const query = inlineQueryOf($("text").value);
    clearTimeout(state.inline.timer);
    if (query === null) {
      closeInline();
      return;
    }
    state.inline.timer = setTimeout(() => runInline(query), INLINE_DEBOUNCE_MS);
  }

  async function runInline(query) {
    const seq = ++state.inline.seq;
    const panel = $("inline-results");
    panel.classList.add("loading");
    if (panel.hidden) {
      panel.replaceChildren(inlineNote("Searching…"));
      panel.hidden = false;
    }
    try {
      const answer = await api(`/api/chats/${state.userId}/inline`, {
        query,
        peer_id: state.peerId,
      });
      if (seq !== state.inline.seq) return; // the user typed on
      state.inline.queryId = answer.query_id;
      state.inline.query = query;
      renderInline(answer, query);
    } catch (error) {
      if (seq !== state.inline.seq) return;
      panel.replaceChildren(inlineNote(String(error.message || error), true));
      panel.classList.remove("loading");
    }
  }

  function inlineNote(text, error) {
    const note = document.createElement("div");
    note.className = "inline-note" + (error ? " error" : "");
    note.textContent = text;
    return note;
  }

  function renderInline(answer, query) {
    const panel = $("inline-results");
    panel.replaceChildren();
    panel.classList.remove("loading");
    panel.dataset.query = query;
    panel.hidden = false;
    if (answer.button && answer.button.start_parameter) {
      const top = document.createElement("button");
      top.type = "button";
      top.className = "inline-switch";
      top.textContent = String(answer.button.text);
      const link = `https://t.me/${state.bot.username}?start=${answer.button.start_parameter}`;
      top.addEventListener("click", () => openLink(link));
      panel.appendChild(top);
    }
    const results = answer.results || [];
    if (!results.length) panel.appendChild(inlineNote("No results"));
    for (const result of results) {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "inline-result";
      item.setAttribute("role", "option");
      item.dataset.resultId = String(result.id);
      const title = String(result.title || "");
      const thumb = document.createElement("span");
      thumb.className = "result-thumb";
      thumb.textContent = Array.from(title)[0] || "?";
      const body = document.createElement("span");
      body.className = "result-body";
      const heading = document.createElement("span");
      heading.className = "result-title";
      heading.textContent = title;
      body.appendChild(heading);
      if (result.description) {
        const description = document.createElement("span");
        description.className = "result-description";
        description.textContent = String(result.description);
        body.appendChild(description);
      }
      item.append(thumb, body);
      item.addEventListener("click", () => chooseResult(answer.query_id, result.id));
      panel.appendChild(item);
    }
  }

  function closeInline() {
    clearTimeout(state.inline.timer);
    state.inline.seq += 1; // an answer still on its way is dropped
    state.inline.queryId = null;
    const panel = $("inline-results");
    panel.hidden = true;
    panel.replaceChildren();
    delete panel.dataset.query;
  }

  async function chooseResult(queryId, resultId) {
    try {
      const { chat_id: chatId, message } = await api(
        `/api/chats/${state.userId}/inline/${encodeURIComponent(queryId)}/choose`,
        { result_id: resultId, peer_id: state.peerId },
      );
      $("text").value = "";
      closeInline();
      if (chatId === state.chatId) upsert(message);
    } catch (error) {
      toast(String(error.message || error), true);
    }
  }

  // A t.me link to this bot ("✨ Open Zodiac"): the app opens the bot's chat and sends
  // /start with the link's parameter.
  function botLink(url) {
    const href = url ? safeHref(url) : null;
    if (!href || !state.bot) return null;
    const parsed = new URL(href);
    const path = parsed.pathname.replace(/^\/+|\/+$/g, "").toLowerCase();
    if (parsed.hostname !== "t.me" || path !== String(state.bot.username).toLowerCase()) return null;
    return href;
  }

  async function openLink(url) {
    try {
      if (state.peerId !== null) await selectChat(null);
      await api(`/api/chats/${state.userId}/links`, { url });
    } catch (error) {
      toast(String(error.message || error), true);
    }
  }

  // The three "switch to inline" buttons: in this chat, in a chat the user picks, or in a
  // picked chat of the kinds the button allows.
  function switchQuery(button) {
    if (typeof button.switch_inline_query_current_chat === "string") {
      return button.switch_inline_query_current_chat;
    }
    if (typeof button.switch_inline_query === "string") return button.switch_inline_query;
    const chosen = button.switch_inline_query_chosen_chat;
    if (chosen && typeof chosen === "object") return String(chosen.query || "");
    return null;
  }

  function switchInline(button) {
    const query = switchQuery(button);
    if (typeof button.switch_inline_query_current_chat === "string") {
      typeInline(query);
      return;
    }
    const chosen = button.switch_inline_query_chosen_chat;
    const allow = chosen
      ? {
          users: Boolean(chosen.allow_user_chats),
          bots: Boolean(chosen.allow_bot_chats),
          groups: Boolean(chosen.allow_group_chats || chosen.allow_channel_chats),
        }
      : { users: true, bots: true, groups: true };
    openSharePanel(query, allow);
  }

  function typeInline(query) {
    const input = $("text");
    input.value = `@${state.bot.username} ${query}`;
    input.focus();
    clearTimeout(state.inline.timer);
    runInline(query);
  }

  function openSharePanel(query, allow) {
    closeInline();
    closeLocationPanel();
    toggleMenu(false);
    state.share = query;
    const chats = $("share-chats");
    chats.replaceChildren();
    const targets = [];
    if (allow.bots) targets.push([null, "♌", state.bot.first_name]);
    if (allow.users) {
      for (const user of state.users) {
        if (user.id !== state.userId) targets.push([user.id, initial(user.first_name), user.first_name]);
      }
    }
    for (const [peerId, mark, name] of targets) {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "share-chat";
      item.dataset.peer = peerId === null ? "bot" : String(peerId);
      const avatar = document.createElement("span");
      avatar.className = "chat-avatar";
      avatar.textContent = mark;
      const label = document.createElement("span");
      label.textContent = name;
      item.append(avatar, label);
      item.addEventListener("click", () => shareTo(peerId));
      chats.appendChild(item);
    }
    const mention = `@${state.bot.username} ${query}`.trim();
    $("share-hint").textContent = `Pick a chat: "${mention}" is typed there for you.` +
      (allow.groups ? " (The sandbox has no groups or channels.)" : "");
    $("share-panel").hidden = false;
    renderInput();
  }

  function closeSharePanel() {
    state.share = null;
    $("share-panel").hidden = true;
    renderInput();
  }

  async function shareTo(peerId) {
    const query = state.share || "";
    closeSharePanel();
    await selectChat(peerId);
    typeInline(query);
  }

  function toast(text, alert) {
    const element = $("toast");
    element.textContent = text;
    element.classList.toggle("alert", Boolean(alert));
    element.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { element.hidden = true; }, alert ? 6000 : 2500);
  }

  function setTyping(on) {
    if (state.peerId !== null) return; // the header shows the private chat
    const status = $("bot-status");
    clearTimeout(typingTimer);
    status.textContent = on ? "typing…" : "bot";
    status.classList.toggle("typing", on);
    if (on) typingTimer = setTimeout(() => setTyping(false), 5000);
  }

  function renderCommands() {
    const menu = $("command-menu");
    menu.replaceChildren();
    for (const command of state.commands) {
      const item = document.createElement("button");
      item.type = "button";
      const name = document.createElement("span");
      name.className = "command";
      name.textContent = "/" + command.command;
      const description = document.createElement("span");
      description.className = "description";
      description.textContent = command.description;
      item.append(name, description);
      item.addEventListener("click", () => {
        toggleMenu(false);
        sendText("/" + command.command);
      });
      menu.appendChild(item);
    }
    $("menu-button").hidden = state.commands.length === 0 || state.peerId !== null;
  }

  // An empty chat shows the bot's description in the user's app language, as Telegram's
  // "What can this bot do?" panel does.
  function renderAbout() {
    const user = currentUser();
    const text = (state.peerId === null && user && user.description) || "";
    $("about-text").textContent = text;
    $("about").hidden = !text;
  }

  function currentUser() {
    return state.users.find((u) => u.id === state.userId);
  }

  // The bot's settings as this user's app shows them (the server picks the language).
  function applyProfiles(profiles) {
    for (const user of state.users) {
      const profile = profiles[String(user.id)];
      if (profile) Object.assign(user, profile);
    }
    const user = currentUser();
    state.commands = (user && user.commands) || [];
    renderCommands();
    renderAbout();
  }

  function toggleMenu(open) {
    const menu = $("command-menu");
    const show = open === undefined ? menu.hidden : open;
    menu.hidden = !show || state.commands.length === 0 || state.peerId !== null;
    $("menu-button").setAttribute("aria-expanded", String(!menu.hidden));
  }

  // ------------------------------------------------------------------ actions

  async function sendText(text) {
    if (!text.trim()) return;
    closeInline();
    try {
      const path = state.peerId === null
        ? `/api/chats/${state.userId}/messages`
        : `/api/chats/${state.userId}/peers/${state.peerId}/messages`;
      await api(path, { text });
    } catch (error) {
      toast(String(error.message || error), true);
    }
  }

  async function tap(messageId, button, element) {
    element.classList.add("pending");
    try {
      await api(`/api/chats/${state.userId}/taps`, {
        message_id: messageId,
        data: button.callback_data,
      });
    } catch (error) {
      element.classList.remove("pending");
      toast(String(error.message || error), true);
    }
  }

  async function loadChat() {
    state.loading = true;
    state.buffered = [];
    try {
      let messages;
      let input = null;
      if (state.peerId === null) {
        ({ messages, input } = await api(`/api/chats/${state.userId}`));
        state.chatId = state.userId;
      } else {
        const peerChat = await api(`/api/chats/${state.userId}/peers/${state.peerId}`);
        messages = peerChat.messages;
        state.chatId = peerChat.chat_id;
      }
      chat.querySelectorAll(".message").forEach((node) => node.remove());
      state.nodes.clear();
      $("empty").hidden = messages.length > 0;
      messages.forEach(upsert);
      setInput(input, true);
      chat.dataset.chat = state.peerId === null ? "bot" : String(state.peerId);
    } finally {
      state.loading = false;
      const late = state.buffered;
      state.buffered = [];
      late.forEach(handle); // events that arrived while the chat was loading
    }
  }

  function selectUser(userId) {
    state.userId = userId;
    state.peerId = null;
    state.chatId = userId;
    state.unread.delete(`${userId}:bot`);
    renderUnread();
    renderHeader();
    showDueNowAnswer("");
    closeInline();
    closeSharePanel();
    closeLocationPanel();
    window.localStorage.setItem("sandbox-user", String(userId));
    const user = currentUser();
    const app = user && user.language_code ? `, Telegram app in "${user.language_code}"` : "";
    $("role-note").textContent = user && user.is_admin
      ? `You are ${user.first_name} (id ${user.id}${app}), an admin: /regen and /stats work.`
      : `You are ${user ? user.first_name : "?"} (id ${userId}${app}), a regular user.`;
    state.commands = (user && user.commands) || [];
    toggleMenu(false);
    renderCommands();
    renderAbout();
    setTyping(false);
    return loadChat();
  }

  // ------------------------------------------------------------------ events

  function handle(event) {
    if (state.loading) {
      state.buffered.push(event);
      return;
    }
    const data = event.data || {};
    if (event.kind === "commands" || event.kind === "description") {
      applyProfiles(data.users || {});
      return;
    }
    if (event.kind === "message" && data.from && Array.isArray(event.members)) {
      // A private chat of two users: new for the one who did not write it, unless they
      // are the one reading it now.
      const [reader] = event.members.filter((id) => id !== data.from.id);
      const reading = reader === state.userId && event.chat_id === state.chatId;
      if (reader !== undefined && !reading) addUnread(reader, data.from.id);
    }
    if (event.chat_id !== state.chatId) {
      if (event.kind === "message" && data.from && state.bot && data.from.id === state.bot.id &&
          state.users.some((u) => u.id === event.chat_id)) {
        addUnread(event.chat_id, "bot");
      }
      return;
    }
    if (event.kind === "message" || event.kind === "edit") {
      if (data.from && state.bot && data.from.id === state.bot.id) setTyping(false);
      upsert(data);
    } else if (event.kind === "delete") {
      remove(data.message_id);
    } else if (event.kind === "keyboard") {
      setInput(data, false);
    } else if (event.kind === "chat_action") {
      setTyping(true);
    } else if (event.kind === "callback_answer") {
      chat.querySelectorAll(".inline-button.pending").forEach((b) => b.classList.remove("pending"));
      if (data.text) toast(data.text, data.show_alert);
    }
  }

  function connect() {
    const source = new EventSource("/api/events");
    source.addEventListener("open", () => {
      // (Re)connected: whatever happened while away is in the chat's current state.
      loadChat().then(() => { document.body.dataset.ready = "true"; });
    });
    source.addEventListener("message", (message) => handle(JSON.parse(message.data)));
    source.addEventListener("error", () => { document.body.dataset.ready = "false"; });
  }

  async function start() {
    const info = await api("/api/state");
    state.bot = info.bot;
    state.users = info.users;
    $("bot-name").textContent = info.bot.first_name;
    $("text").addEventListener("input", onComposerInput);
    $("share-cancel").addEventListener("click", closeSharePanel);
    state.controls = info.controls || {};
    $("controls").hidden = !state.controls.due_now;
    $("due-now").addEventListener("click", makeDueNow);
    $("keyboard-toggle").addEventListener("click", () => {
      state.keyboardOpen = !state.keyboardOpen;
      renderInput();
    });
    setupLocationPanel();
    document.title = `${info.bot.first_name} — sandbox`;
    const picker = $("user-select");
    for (const user of info.users) {
      const option = document.createElement("option");
      option.value = String(user.id);
      option.textContent = userName(user);
      picker.appendChild(option);
    }
    const saved = Number(window.localStorage.getItem("sandbox-user"));
    const first = info.users.find((u) => u.id === saved) || info.users[0];
    picker.value = String(first.id);
    picker.addEventListener("change", () => selectUser(Number(picker.value)));
    $("menu-button").addEventListener("click", () => toggleMenu());
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("text");
      const text = input.value;
      input.value = "";
      toggleMenu(false);
      sendText(text);
    });
    state.userId = first.id;
    await selectUser(first.id);
    connect();
  }

  start().catch((error) => toast("The sandbox is not answering: " + error.message, true));
})();
