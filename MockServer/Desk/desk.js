// HandoffKit agent desk: plain JavaScript, no build step, no dependencies.
// Every piece of data reaches the page through textContent or attribute setters, never parsed as HTML.
"use strict";

const desk = {
  token: "",
  overview: null,
  thread: null,
  openId: null,
  teamFilter: null,
  generation: null,
  polling: false,
  refreshing: false,
  refreshAgain: false,
};

const STATES = [
  ["queued", "Queued — waiting for an agent"],
  ["assigned", "Assigned"],
  ["bot", "With the bot"],
  ["resolved", "Resolved"],
  ["closed", "Closed"],
];

function $(id) { return document.getElementById(id); }

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function status(text, kind) {
  const bar = $("status");
  bar.textContent = text || "";
  bar.className = "status" + (kind ? " " + kind : "");
}

async function api(method, path, body) {
  const options = { method, headers: { Authorization: "Bearer " + desk.token } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
  if (!response.ok) {
    const detail = data && (data.detail || data.error) ? (data.detail || data.error) : response.statusText;
    const error = new Error(detail + (data && data.code ? " (" + data.code + ")" : ""));
    error.status = response.status;
    throw error;
  }
  return data;
}

// ---- connecting ------------------------------------------------------------------------------------

async function connect(token) {
  desk.token = token.trim();
  if (!desk.token) { status("Enter a workspace token (the mock prints them when it starts; the default is dev-token)."); return; }
  try {
    await refresh();
    try { localStorage.setItem("handoff-desk-token", desk.token); } catch (_) { /* private mode */ }
    status("");
    $("live").textContent = "live";
    $("live").className = "live";
    if (!desk.polling) poll();
  } catch (error) {
    desk.overview = null;
    $("workspace").textContent = "not connected";
    status(error.status === 401 ? "That token is not known to this mock." : "Cannot reach the mock: " + error.message);
  }
}

async function poll() {
  desk.polling = true;
  const live = $("live");
  while (desk.token) {
    try {
      const since = desk.generation === null ? "" : "&since=" + encodeURIComponent(desk.generation);
      const change = await api("GET", "/mock/v1/changes?wait=25" + since);
      live.textContent = "live";
      live.className = "live";
      if (change.changed || desk.generation === null) await refresh();
      else desk.generation = change.generation;
    } catch (error) {
      live.textContent = "offline";
      live.className = "live off";
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  desk.polling = false;
}

// ---- reading ---------------------------------------------------------------------------------------

async function refresh() {
  if (desk.refreshing) { desk.refreshAgain = true; return; }
  desk.refreshing = true;
  try {
    do {
      desk.refreshAgain = false;
      const overview = await api("GET", "/mock/v1/desk");
      desk.overview = overview;
      desk.generation = overview.generation;
      if (desk.openId) {
        try {
          desk.thread = await api("GET", "/mock/v1/desk/conversations/" + encodeURIComponent(desk.openId));
        } catch (error) {
          desk.thread = null;
          desk.openId = null;
        }
      }
      render();
    } while (desk.refreshAgain);
  } finally {
    desk.refreshing = false;
  }
}

async function open(id) {
  desk.openId = id;
  try {
    desk.thread = await api("GET", "/mock/v1/desk/conversations/" + encodeURIComponent(id));
    status("");
  } catch (error) {
    status(error.message);
  }
  render();
}

// ---- rendering -------------------------------------------------------------------------------------

function render() {
  const overview = desk.overview;
  if (!overview) return;
  $("workspace").textContent = "Workspace " + overview.workspace.name;
  renderTeams(overview);
  renderConversations(overview);
  renderThread();
}

function renderTeams(overview) {
  const list = $("teams");
  list.replaceChildren();
  $("all-teams").classList.toggle("selected", desk.teamFilter === null);
  for (const team of overview.teams) {
    const item = element("li", "team" + (desk.teamFilter === team.id ? " selected" : ""));
    item.dataset.team = team.id;
    item.tabIndex = 0;
    const name = element("div", "team-name");
    name.append(element("span", null, team.name));
    const available = team.availability.available;
    name.append(element("span", "availability" + (available ? "" : " unavailable"),
      available ? "available" : (team.availability.reason || "unavailable").replace("_", " ")));
    item.append(name);
    const agents = team.agents.map((agent) => agent.name).join(", ") || "no agents";
    item.append(element("div", "team-counts", team.queued + " queued · " + team.assigned + " assigned · " + agents));
    if (team.persona) {
      const persona = element("div", "persona");
      persona.dataset.persona = team.id;
      persona.append(element("strong", null, "Scripted agent"));
      const who = team.persona.agent || (team.agents[0] ? team.agents[0].name : "first agent");
      persona.append(document.createTextNode(" " + who + ": " + team.personaSummary));
      item.append(persona);
    }
    const choose = () => { desk.teamFilter = desk.teamFilter === team.id ? null : team.id; render(); };
    item.addEventListener("click", choose);
    item.addEventListener("keydown", (event) => { if (event.key === "Enter") choose(); });
    list.append(item);
  }
}

function renderConversations(overview) {
  const container = $("conversation-groups");
  container.replaceChildren();
  const shown = overview.conversations.filter((c) => desk.teamFilter === null || c.teamId === desk.teamFilter);
  if (shown.length === 0) {
    container.append(element("div", "empty", "No conversations yet. Point your bot at this mock and hand one over."));
    return;
  }
  for (const [state, title] of STATES) {
    const items = shown.filter((c) => c.state === state);
    if (items.length === 0) continue;
    const group = element("div", "group");
    group.dataset.state = state;
    const heading = element("h3");
    heading.append(element("span", null, title), element("span", null, String(items.length)));
    group.append(heading);
    const list = element("ul");
    for (const conversation of items) list.append(conversationItem(conversation));
    group.append(list);
    container.append(group);
  }
}

function conversationItem(conversation) {
  const item = element("li", "conversation" + (conversation.id === desk.openId ? " open" : ""));
  item.dataset.id = conversation.id;
  item.tabIndex = 0;
  const line1 = element("div", "line1");
  line1.append(element("span", null, conversation.userName || conversation.externalId));
  line1.append(element("span", "state state-" + conversation.state, conversation.state));
  item.append(line1);
  const where = [conversation.id, "#" + conversation.number];
  if (conversation.teamName) where.push(conversation.teamName);
  if (conversation.assigneeName) where.push(conversation.assigneeName);
  if (conversation.intent) where.push(conversation.intent);
  item.append(element("div", "line2", where.join(" · ")));
  if (conversation.lastMessage) {
    const last = conversation.lastMessage;
    const label = last.visibility === "internal" ? "note" : last.author;
    item.append(element("div", "preview", label + ": " + last.text));
  }
  item.addEventListener("click", () => open(conversation.id));
  item.addEventListener("keydown", (event) => { if (event.key === "Enter") open(conversation.id); });
  return item;
}

function renderThread() {
  const thread = desk.thread;
  $("empty-thread").hidden = Boolean(thread);
  $("thread").hidden = !thread;
  if (!thread) return;
  const conversation = thread.conversation;
  const user = thread.user;
  $("thread-title").textContent = (user.name || user.externalId) + " — " + conversation.id + " (#" + conversation.number + ")";
  const state = $("state");
  state.textContent = conversation.state;
  state.className = "state state-" + conversation.state;

  const facts = $("facts");
  facts.replaceChildren();
  const context = conversation.context || {};
  const pairs = [
    ["User", (user.name || "—") + " (" + user.externalId + ")"],
    ["Team", thread.teamName || "—"],
    ["Agent", thread.assigneeName || "—"],
    ["Intent", context.intent || (context.intents && context.intents[0]) || "—"],
  ];
  if (user.email) pairs.push(["Email", user.email]);
  const attributes = Object.keys(context.attributes || {});
  if (attributes.length) pairs.push(["Attributes", attributes.map((k) => k + "=" + JSON.stringify(context.attributes[k])).join(", ")]);
  for (const [term, value] of pairs) facts.append(element("dt", null, term), element("dd", null, value));

  const transcript = $("transcript");
  const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
  transcript.replaceChildren();
  if (thread.messages.length === 0) transcript.append(element("li", "empty", "No messages mirrored yet."));
  for (const entry of thread.messages) transcript.append(messageItem(entry));
  if (atBottom) transcript.scrollTop = transcript.scrollHeight;

  renderActions(thread);
}

function messageItem(entry) {
  const message = entry.message;
  const internal = message.visibility === "internal";
  const item = element("li", "message author-" + message.author + (internal ? " internal" : ""));
  item.dataset.author = message.author;
  item.dataset.visibility = message.visibility;
  item.dataset.seq = String(message.seq);
  let who;
  if (internal) who = "Internal note · " + (message.author === "agent" ? (entry.agentName || "agent") : message.author);
  else if (message.author === "agent") who = "Agent · " + (entry.agentName || "agent");
  else if (message.author === "bot") who = "Bot";
  else if (message.author === "user") who = "User";
  else who = "System";
  const label = element("span", "who", who);
  const time = new Date(message.createdAt);
  label.append(element("span", "when", "#" + message.seq + " · " + (isNaN(time) ? "" : time.toLocaleTimeString())));
  item.append(label);
  item.append(document.createTextNode(message.text));
  if (message.choices && message.choices.length) {
    const choices = element("div", "choices");
    for (const choice of message.choices) choices.append(element("span", "choice", choice.label));
    item.append(choices);
  }
  return item;
}

function renderActions(thread) {
  const conversation = thread.conversation;
  const team = desk.overview.teams.find((t) => t.id === conversation.teamId);
  const agents = team ? team.agents : desk.overview.teams.flatMap((t) => t.agents);
  const select = $("agent");
  const previous = select.value;
  select.replaceChildren();
  for (const agent of agents) {
    const option = element("option", null, agent.name);
    option.value = agent.id;
    select.append(option);
  }
  select.value = conversation.assigneeId || previous || (agents[0] ? agents[0].id : "");
  if (!select.value && agents[0]) select.value = agents[0].id;

  const transfer = $("transfer-team");
  const chosen = transfer.value;
  transfer.replaceChildren();
  for (const other of desk.overview.teams.filter((t) => t.id !== conversation.teamId)) {
    const option = element("option", null, other.name + (other.availability.available ? "" : " (unavailable)"));
    option.value = other.id;
    transfer.append(option);
  }
  if (chosen) transfer.value = chosen;

  const withHumans = conversation.state === "queued" || conversation.state === "assigned";
  $("take").disabled = !withHumans || agents.length === 0;
  $("take").textContent = conversation.state === "assigned" ? "Reassign" : "Take";
  $("resolve").disabled = !withHumans;
  $("send-reply").disabled = conversation.state !== "assigned";
  $("send-note").disabled = !withHumans;
  $("transfer").disabled = !withHumans || transfer.options.length === 0;
  $("reply-text").disabled = !withHumans;
}

// ---- acting ----------------------------------------------------------------------------------------

async function act(what, path, body) {
  if (!desk.openId) return;
  try {
    await api("POST", "/mock/v1/conversations/" + encodeURIComponent(desk.openId) + path, body);
    status(what, "info");
    await refresh();
  } catch (error) {
    status(error.message);
  }
}

function text() {
  const value = $("reply-text").value;
  if (!value.trim()) { status("Write something first."); return null; }
  return value;
}

function wire() {
  $("connect-form").addEventListener("submit", (event) => { event.preventDefault(); connect($("token").value); });
  $("all-teams").addEventListener("click", () => { desk.teamFilter = null; render(); });
  $("take").addEventListener("click", () => act("Taken.", "/accept", { agentId: $("agent").value || undefined }));
  $("resolve").addEventListener("click", () => act("Resolved.", "/resolve"));
  $("send-reply").addEventListener("click", async () => {
    const value = text();
    if (value === null) return;
    await act("Reply sent.", "/reply", { text: value });
    if (!$("status").classList.contains("info")) return;
    $("reply-text").value = "";
  });
  $("send-note").addEventListener("click", async () => {
    const value = text();
    if (value === null) return;
    await act("Internal note added.", "/note", { text: value });
    if (!$("status").classList.contains("info")) return;
    $("reply-text").value = "";
  });
  $("transfer").addEventListener("click", () => act("Transferred.", "/transfer", { teamId: $("transfer-team").value }));

  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  let saved = "";
  try { saved = localStorage.getItem("handoff-desk-token") || ""; } catch (_) { saved = ""; }
  const token = fromHash || saved;
  if (fromHash) history.replaceState(null, "", location.pathname);
  if (token) {
    $("token").value = token;
    connect(token);
  }
}

document.addEventListener("DOMContentLoaded", wire);
