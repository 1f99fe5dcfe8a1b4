// The web client: a hash router over a handful of screens, each a function that renders
// into <main> from the public API. No build step: the browser loads these modules as they are.

import { api, ApiError, call, loadOperations, session, supports } from "./api.js";
import { h, richText, timeAgo, toast } from "./dom.js";
import { picture } from "./media.js";
import { openStories, storyTray } from "./stories.js";
import { upload } from "./upload.js";

const main = document.getElementById("main");
let teardown = () => {};

function show(...children) {
  main.replaceChildren(...children);
  main.focus({ preventScroll: true });
}

function heading(text) {
  return h("h1", { class: "screen-title" }, text);
}

function unavailable(what) {
  return h("p", { class: "empty", role: "note" }, `${what} is not available on this server yet.`);
}

function describe(error) {
  if (error instanceof ApiError && error.status === 429 && error.retryAfter) {
    return `${error.message} Try again in ${error.retryAfter} s.`;
  }
  return error.message || String(error);
}

// ---- sign-up and log-in -------------------------------------------------------------------

function authScreen() {
  const mode = { signup: false };
  const message = h("p", { class: "error", role: "alert" });
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true, pattern: "[a-z0-9._]{1,30}" });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true, minlength: 8 });
  const privateBox = h("input", { id: "private", type: "checkbox" });
  const privateRow = h("p", { hidden: true }, [privateBox, h("label", { for: "private" }, " Private account")]);
  const submit = h("button", { type: "submit" }, "Log in");
  const switcher = h("button", { type: "button", class: "link" }, "New here? Create an account");
  switcher.addEventListener("click", () => {
    mode.signup = !mode.signup;
    submit.textContent = mode.signup ? "Sign up" : "Log in";
    switcher.textContent = mode.signup ? "Have an account? Log in" : "New here? Create an account";
    password.autocomplete = mode.signup ? "new-password" : "current-password";
    privateRow.hidden = !mode.signup;
  });
  const form = h("form", { class: "card auth", "aria-labelledby": "auth-title" }, [
    h("h1", { id: "auth-title" }, "Photos"),
    h("label", { for: "username" }, "Username"),
    username,
    h("label", { for: "password" }, "Password"),
    password,
    privateRow,
    submit,
    message,
    switcher,
  ]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    submit.disabled = true;
    try {
      if (mode.signup) await api.register(username.value, password.value, privateBox.checked);
      const token = await api.login(username.value, password.value);
      session.token = token.access_token;
      await enter();
    } catch (error) {
      message.textContent = describe(error);
    } finally {
      submit.disabled = false;
    }
  });
  document.querySelector(".nav").hidden = true;
  show(form);
  username.focus();
}

// ---- posts --------------------------------------------------------------------------------

function postCard(post) {
  const alt = post.caption ? `Photo by ${post.author.username}: ${post.caption}` : `Photo by ${post.author.username}`;
  const state = { liked: post.liked_by_viewer, saved: post.saved_by_viewer, likes: post.like_count };
  const likeButton = h("button", { type: "button", class: "icon like", "aria-pressed": String(state.liked) }, "♥ Like");
  const saveButton = h("button", { type: "button", class: "icon save", "aria-pressed": String(state.saved) }, "Save");
  const likeCount = h("span", { class: "likes" });
  const paintLikes = () => {
    likeButton.setAttribute("aria-pressed", String(state.liked));
    likeCount.textContent = state.likes === null ? "" : `${state.likes} like${state.likes === 1 ? "" : "s"}`;
  };
  paintLikes();
  // Optimistic: the count moves at once and rolls back if the server refuses.
  likeButton.addEventListener("click", async () => {
    const before = { ...state };
    state.liked = !state.liked;
    if (state.likes !== null) state.likes += state.liked ? 1 : -1;
    paintLikes();
    try {
      const result = await api.like(post.post_id, state.liked);
      state.liked = result.liked;
      state.likes = result.like_count;
    } catch (error) {
      Object.assign(state, before);
      toast(`Like not saved: ${describe(error)}`);
    }
    paintLikes();
  });
  saveButton.addEventListener("click", async () => {
    const before = state.saved;
    state.saved = !state.saved;
    saveButton.setAttribute("aria-pressed", String(state.saved));
    try {
      state.saved = (await api.save(post.post_id, state.saved)).saved;
    } catch (error) {
      state.saved = before;
      toast(`Not saved: ${describe(error)}`);
    }
    saveButton.setAttribute("aria-pressed", String(state.saved));
  });
  const comments = h("ul", { class: "comments", "aria-label": "Comments" });
  const commentCount = h("button", { type: "button", class: "link" }, post.comment_count ? `View all ${post.comment_count} comments` : "");
  commentCount.addEventListener("click", async () => {
    try {
      const page = await api.comments(post.post_id);
      comments.replaceChildren(...page.items.map(commentItem));
      commentCount.remove();
    } catch (error) {
      toast(describe(error));
    }
  });
  const commentInput = h("input", { name: "comment", "aria-label": `Comment on ${post.author.username}'s post`, placeholder: "Add a comment…", maxlength: 2200 });
  const commentForm = h("form", { class: "comment-form" }, [commentInput, h("button", { type: "submit" }, "Post")]);
  commentForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = commentInput.value.trim();
    if (!text) return;
    const pending = commentItem({ author: session.me, text, pending: true });
    comments.append(pending);
    commentInput.value = "";
    try {
      await api.comment(post.post_id, text);
      pending.classList.remove("pending");
    } catch (error) {
      pending.remove();
      commentInput.value = text;
      toast(`Comment not posted: ${describe(error)}`);
    }
  });
  const media = post.media.length
    ? h("div", { class: "carousel" }, post.media.map((m) => picture(m, alt)))
    : h("p", { class: "empty" }, post.status === "published" ? "No media" : `This post is ${post.status}.`);
  return h("article", { class: "post card", "data-post-id": post.post_id }, [
    h("header", {}, [
      h("a", { href: `#/u/${post.author.username}`, class: "author" }, post.author.username),
      post.location ? h("span", { class: "place" }, post.location.name) : null,
      h("time", { datetime: post.created_at, class: "when" }, timeAgo(post.created_at)),
    ]),
    media,
    h("div", { class: "actions" }, [likeButton, saveButton, likeCount]),
    post.caption
      ? h("p", { class: "caption" }, [h("a", { href: `#/u/${post.author.username}`, class: "author" }, post.author.username), " ", ...richText(post.caption, post.mentions)])
      : null,
    commentCount.textContent ? commentCount : null,
    comments,
    commentForm,
  ]);
}

function commentItem(comment) {
  return h("li", { class: comment.pending ? "pending" : "" }, [
    h("a", { href: `#/u/${comment.author.username}`, class: "author" }, comment.author.username),
    " ",
    ...richText(comment.text),
  ]);
}

/** Append pages from `load(cursor)` while the sentinel is on screen; returns a stop function. */
function infinite(list, load, render) {
  const sentinel = h("div", { class: "sentinel", "aria-hidden": "true" });
  const status = h("p", { class: "empty", role: "status" });
  list.after(sentinel, status);
  let cursor = null;
  let busy = false;
  let finished = false;
  const more = async () => {
    if (busy || finished) return;
    busy = true;
    status.textContent = "Loading…";
    try {
      const page = await load(cursor);
      list.append(...page.items.map(render));
      cursor = page.next_cursor;
      finished = !cursor;
      status.textContent = finished && !list.children.length ? "Nothing here yet." : "";
    } catch (error) {
      status.textContent = describe(error);
      finished = true;
    } finally {
      busy = false;
    }
    if (!finished && sentinel.getBoundingClientRect().top < innerHeight + 400) more();
  };
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) more();
  }, { rootMargin: "400px" });
  observer.observe(sentinel);
  more();
  return () => observer.disconnect();
}

// ---- home feed ----------------------------------------------------------------------------

async function feedScreen() {
  const list = h("div", { class: "feed", "aria-label": "Home feed", role: "feed" });
  const pill = h("button", { type: "button", class: "pill", hidden: true }, "New posts");
  pill.addEventListener("click", () => {
    scrollTo({ top: 0 });
    route();
  });
  const tray = h("section", { class: "tray", "aria-label": "Stories" });
  show(heading("Home"), tray, pill, list);
  storyTray(tray).catch((error) => tray.replaceChildren(h("p", { class: "empty" }, describe(error))));
  let newest = null;
  const stop = infinite(list, async (cursor) => {
    const page = await api.feed(cursor);
    if (!cursor && page.items.length) newest = page.items[0].post_id;
    return page;
  }, postCard);
  // The "new posts" pill: ask how many posts are newer than the first one shown.
  const poll = setInterval(async () => {
    if (!newest) return;
    try {
      const { new_posts: waiting } = await api.newPosts(newest);
      pill.hidden = waiting === 0;
      pill.textContent = `${waiting} new post${waiting === 1 ? "" : "s"}`;
    } catch {
      // a missed poll is retried at the next tick
    }
  }, 20000);
  teardown = () => {
    stop();
    clearInterval(poll);
  };
}

// ---- upload -------------------------------------------------------------------------------

async function uploadScreen() {
  const file = h("input", { id: "photo", type: "file", accept: "image/jpeg,image/png,image/webp,image/heic,image/tiff,video/mp4,video/quicktime", required: true });
  const preview = h("img", { class: "preview", alt: "Preview of the chosen photo", hidden: true });
  const filter = h("select", { id: "filter", name: "filter" }, [h("option", { value: "" }, "No filter")]);
  const caption = h("textarea", { id: "caption", name: "caption", rows: 3, maxlength: 2200, placeholder: "Write a caption… #hashtags @mentions" });
  const place = h("input", { id: "place", name: "place", placeholder: "Add a location" });
  const lat = h("input", { id: "lat", name: "lat", type: "number", step: "any", min: -90, max: 90, placeholder: "Latitude" });
  const lng = h("input", { id: "lng", name: "lng", type: "number", step: "any", min: -180, max: 180, placeholder: "Longitude" });
  const story = h("input", { id: "as-story", type: "checkbox" });
  const progress = h("progress", { id: "upload-progress", max: 100, value: 0, "aria-label": "Upload progress" });
  const progressText = h("span", { class: "progress-text", "aria-live": "polite" }, "");
  const status = h("p", { class: "status", role: "status" });
  const submit = h("button", { type: "submit" }, "Share");
  file.addEventListener("change", () => {
    const chosen = file.files[0];
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.hidden = !chosen || !chosen.type.startsWith("image/");
    if (chosen) preview.src = URL.createObjectURL(chosen);
  });
  const form = h("form", { class: "card upload" }, [
    heading("New post"),
    h("label", { for: "photo" }, "Photo or video"),
    file,
    preview,
    h("label", { for: "filter" }, "Filter"),
    filter,
    h("label", { for: "caption" }, "Caption"),
    caption,
    h("label", { for: "place" }, "Location"),
    place,
    h("div", { class: "row" }, [lat, lng]),
    h("p", {}, [story, h("label", { for: "as-story" }, " Share to your story instead")]),
    submit,
    h("div", { class: "progress" }, [progress, progressText]),
    status,
  ]);
  show(form);
  try {
    for (const name of (await api.filters()).filters) filter.append(h("option", { value: name }, name));
  } catch (error) {
    status.textContent = describe(error);
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = file.files[0];
    if (!chosen) return;
    submit.disabled = true;
    status.textContent = "Uploading…";
    try {
      const mediaId = await upload(
        chosen,
        story.checked ? "story" : "post",
        (fraction) => {
          progress.value = Math.round(fraction * 100);
          progressText.textContent = `${progress.value}%`;
        },
        (attempt) => {
          status.textContent = `Connection lost; resuming (attempt ${attempt + 1})…`;
        },
      );
      if (story.checked) {
        await api.createStory(mediaId);
        status.textContent = "Your story is processing; it shows in the tray once ready.";
        return;
      }
      const body = { media_ids: [mediaId], caption: caption.value };
      if (filter.value) body.filter = filter.value;
      if (place.value && lat.value !== "" && lng.value !== "") {
        body.location = { name: place.value, lat: Number(lat.value), lng: Number(lng.value) };
      }
      const created = await api.createPost(body);
      status.textContent = "Processing…";
      const final = await waitForPublishing(created.post_id);
      if (final.status === "published") {
        status.replaceChildren("Published. ", h("a", { href: "#/me" }, "See it on your profile"));
        form.after(postCard(final));
      } else {
        status.textContent = `Your post was ${final.status}: ${final.failure_reason || "no reason given"}.`;
      }
    } catch (error) {
      status.textContent = describe(error);
    } finally {
      submit.disabled = false;
    }
  });
}

async function waitForPublishing(postId) {
  for (let delay = 500; ; delay = Math.min(delay * 1.5, 4000)) {
    const post = await api.post(postId);
    if (post.status !== "processing") return post;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

// ---- profiles -----------------------------------------------------------------------------

async function profileScreen(username) {
  let profile;
  try {
    profile = await api.profile(username);
  } catch (error) {
    show(heading(username), h("p", { class: "empty" }, describe(error)));
    return;
  }
  const mine = session.me && profile.user_id === session.me.user_id;
  const counts = h("ul", { class: "counts" }, [
    h("li", {}, [h("strong", {}, profile.post_count), " posts"]),
    h("li", {}, [h("strong", {}, profile.follower_count), " followers"]),
    h("li", {}, [h("strong", {}, profile.following_count), " following"]),
  ]);
  const buttons = h("div", { class: "buttons" });
  if (!mine) {
    const status = profile.follow_status;
    const label = status === "active" ? "Unfollow" : status === "pending" ? "Requested" : "Follow";
    const follow = h("button", { type: "button", class: status ? "secondary" : "" }, label);
    follow.addEventListener("click", async () => {
      try {
        await api.follow(username, !status);
        route();
      } catch (error) {
        toast(describe(error));
      }
    });
    const mute = h("button", { type: "button", class: "secondary" }, "Mute");
    mute.addEventListener("click", async () => {
      try {
        await api.mute(username, true);
        toast(`${username} is muted: their posts leave your feed.`);
      } catch (error) {
        toast(describe(error));
      }
    });
    const block = h("button", { type: "button", class: "danger" }, "Block");
    block.addEventListener("click", async () => {
      if (!confirm(`Block ${username}? You will no longer see each other.`)) return;
      try {
        await api.block(username, true);
        toast(`${username} is blocked.`);
        location.hash = "#/";
      } catch (error) {
        toast(describe(error));
      }
    });
    buttons.append(follow, mute, block);
  }
  const grid = h("div", { class: "grid", role: "region", "aria-label": `Posts by ${username}` });
  const header = h("section", { class: "profile card" }, [
    h("h1", {}, profile.display_name || profile.username),
    h("p", { class: "handle" }, `@${profile.username}${profile.is_private ? " · private" : ""}`),
    profile.bio ? h("p", {}, profile.bio) : null,
    counts,
    buttons,
  ]);
  show(header, grid);
  if (mine) header.after(await requestsSection());
  if (profile.is_private && !mine && profile.follow_status !== "active") {
    grid.replaceWith(h("p", { class: "empty" }, "This account is private. Follow it to see its photos."));
    return;
  }
  const gridItem = (post) => {
    const alt = post.caption || `Photo by ${post.author.username}`;
    const thumb = post.media[0];
    return h("a", { href: `#/p/${post.post_id}`, class: "cell" }, thumb ? picture(thumb, alt) : h("span", {}, post.status));
  };
  teardown = infinite(grid, (cursor) => api.userPosts(username, cursor), gridItem);
}

async function requestsSection() {
  const section = h("section", { class: "card requests", "aria-label": "Follow requests" });
  try {
    const page = await api.requests();
    section.hidden = !page.items.length;
    section.append(h("h2", {}, "Follow requests"));
    for (const user of page.items) {
      const approve = h("button", { type: "button" }, "Approve");
      const reject = h("button", { type: "button", class: "secondary" }, "Reject");
      const row = h("p", {}, [h("a", { href: `#/u/${user.username}` }, user.username), " ", approve, reject]);
      const decide = (yes) => async () => {
        try {
          await api.decide(user.username, yes);
          row.remove();
        } catch (error) {
          toast(describe(error));
        }
      };
      approve.addEventListener("click", decide(true));
      reject.addEventListener("click", decide(false));
      section.append(row);
    }
  } catch (error) {
    section.append(h("p", { class: "empty" }, describe(error)));
  }
  return section;
}

async function postScreen(postId) {
  try {
    show(postCard(await api.post(postId)));
  } catch (error) {
    show(heading("Post"), h("p", { class: "empty" }, describe(error)));
  }
}

// ---- notifications ------------------------------------------------------------------------

const SEEN_KEY = "instagram.notifications-seen";

async function activityScreen() {
  const list = h("ul", { class: "activity card", "aria-label": "Notifications" });
  show(heading("Activity"), list);
  try {
    const page = await api.notifications();
    list.replaceChildren(
      ...page.items.map((n) =>
        h("li", n.read === false ? { class: "unread" } : {}, [
          h("span", {}, n.text),
          " ",
          n.post_id ? h("a", { href: `#/p/${n.post_id}` }, "View post") : null,
          " ",
          h("time", { datetime: n.created_at }, timeAgo(n.created_at)),
        ]),
      ),
    );
    if (!page.items.length) list.replaceChildren(h("li", { class: "empty" }, "No activity yet."));
    // Up to the newest shown: what arrived since stays unread.
    if (supports("POST", "/notifications/read")) {
      if (page.items.length) await api.markRead(page.items[0].notification_id);
    }
    else if (page.items.length) sessionStorage.setItem(SEEN_KEY, page.items[0].created_at);
    refreshBadge();
  } catch (error) {
    list.replaceChildren(h("li", { class: "empty" }, describe(error)));
  }
}

/** The unread badge: the server's count where it keeps read state, otherwise the number of
 * notifications newer than the newest one this tab has shown. */
async function refreshBadge() {
  const badge = document.getElementById("unread");
  try {
    let unread;
    if (supports("GET", "/notifications/unread-count")) {
      unread = (await api.unreadCount()).count;
    } else {
      const seen = sessionStorage.getItem(SEEN_KEY);
      const page = await api.notifications();
      unread = page.items.filter((n) => !seen || n.created_at > seen).length;
    }
    badge.hidden = !unread;
    badge.textContent = unread > 9 ? "9+" : String(unread);
    badge.setAttribute("aria-label", `${unread} unread`);
  } catch {
    badge.hidden = true;
  }
}

// ---- search and explore -------------------------------------------------------------------

function searchScreen() {
  const input = h("input", { id: "q", type: "search", autocomplete: "off", placeholder: "Search people and #hashtags", "aria-controls": "results" });
  const results = h("ul", { id: "results", class: "results card", "aria-live": "polite" });
  let timer = null;
  let latest = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      const ticket = ++latest;
      if (!q) {
        results.replaceChildren();
        return;
      }
      try {
        const found = await api.search(q);
        if (ticket !== latest) return; // an older answer arriving late
        results.replaceChildren(
          ...found.users.map((u) => h("li", {}, h("a", { href: `#/u/${u.username}` }, [h("strong", {}, u.username), ` ${u.display_name || ""}`]))),
          ...found.hashtags.map((t) => h("li", {}, h("a", { href: `#/tag/${t.tag}` }, `#${t.tag} · ${t.post_count} posts`))),
        );
        if (!results.children.length) results.append(h("li", { class: "empty" }, "No results."));
      } catch (error) {
        results.replaceChildren(h("li", { class: "empty" }, describe(error)));
      }
    }, 150);
  });
  show(heading("Search"), h("label", { for: "q", class: "visually-hidden" }, "Search"), input, results);
  input.focus();
}

function exploreScreen() {
  if (!supports("GET", "/explore")) {
    show(heading("Explore"), unavailable("Explore"));
    return;
  }
  const grid = h("div", { class: "grid", role: "region", "aria-label": "Explore" });
  show(heading("Explore"), grid);
  teardown = infinite(grid, (cursor) => api.explore(cursor), (post) =>
    h("a", { href: `#/p/${post.post_id}`, class: "cell" }, post.media[0] ? picture(post.media[0], post.caption || "Photo") : ""));
}

function tagScreen(tag) {
  if (!supports("GET", "/hashtags/{tag}/posts")) {
    show(heading(`#${tag}`), unavailable("The hashtag page"));
    return;
  }
  const grid = h("div", { class: "grid", role: "region", "aria-label": `Posts tagged ${tag}` });
  show(heading(`#${tag}`), grid);
  teardown = infinite(
    grid,
    (cursor) => call("GET", `/hashtags/${encodeURIComponent(tag)}/posts`, undefined, { query: { cursor } }),
    (post) => h("a", { href: `#/p/${post.post_id}`, class: "cell" }, post.media[0] ? picture(post.media[0], post.caption || "Photo") : ""),
  );
}

// ---- routing ------------------------------------------------------------------------------

const ROUTES = [
  [/^#\/?$/, () => feedScreen(), "feed"],
  [/^#\/upload$/, () => uploadScreen(), "upload"],
  [/^#\/activity$/, () => activityScreen(), "activity"],
  [/^#\/search$/, () => searchScreen(), "search"],
  [/^#\/explore$/, () => exploreScreen(), "explore"],
  [/^#\/me$/, () => profileScreen(session.me.username), "me"],
  [/^#\/u\/([^/]+)$/, (name) => profileScreen(decodeURIComponent(name)), null],
  [/^#\/p\/([^/]+)$/, (id) => postScreen(id), null],
  [/^#\/tag\/([^/]+)$/, (tag) => tagScreen(decodeURIComponent(tag)), null],
  [/^#\/stories\/([^/]+)$/, (username) => openStories(decodeURIComponent(username)), null],
];

function route() {
  teardown();
  teardown = () => {};
  if (!session.token) {
    authScreen();
    return;
  }
  refreshBadge();
  const hash = location.hash || "#/";
  for (const [pattern, screen, nav] of ROUTES) {
    const match = hash.match(pattern);
    if (!match) continue;
    for (const link of document.querySelectorAll("[data-nav]")) {
      if (link.dataset.nav === nav) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    screen(...match.slice(1));
    return;
  }
  show(heading("Not found"), h("p", { class: "empty" }, "There is no such page."));
}

async function enter() {
  try {
    session.me = await api.me();
  } catch {
    session.token = null;
    authScreen();
    return;
  }
  document.querySelector(".nav").hidden = false;
  route();
}

setInterval(() => {
  if (session.token && !document.hidden) refreshBadge();
}, 15000);

addEventListener("hashchange", route);
addEventListener("session-expired", () => {
  toast("Your session has ended; please log in again.");
  authScreen();
});
document.getElementById("logout").addEventListener("click", () => {
  session.token = null;
  session.me = null;
  location.hash = "#/";
  authScreen();
});

await loadOperations();
if (session.token) await enter();
else authScreen();
