// The story tray (in the order the API gives: unseen trays first, seen ones greyed) and a full-screen viewer that advances on its
// own, with one progress bar per story, marks each story viewed and shows its owner who saw it.

import { api, session, supports } from "./api.js";
import { h, timeAgo, toast } from "./dom.js";

const STORY_SECONDS = 5;
let trays = [];

export async function storyTray(container) {
  trays = (await api.stories()).story_trays;
  container.replaceChildren(
    ...trays.map((tray) =>
      h("a", { href: `#/stories/${encodeURIComponent(tray.user.username)}`, class: `tray-item${tray.seen ? " seen" : ""}` }, [
        h("span", { class: "ring", "aria-hidden": "true" }, tray.user.username.slice(0, 1).toUpperCase()),
        h("span", { class: "tray-name" }, tray.user.username),
      ]),
    ),
  );
  if (!trays.length) container.append(h("p", { class: "empty" }, "No stories right now."));
}

/** Show `username`'s stories, then the next trays', until the last one or Escape. */
export async function openStories(username) {
  if (!trays.length) trays = (await api.stories()).story_trays;
  let trayIndex = trays.findIndex((tray) => tray.user.username === username);
  if (trayIndex < 0) {
    toast("No active stories.");
    history.back();
    return;
  }
  let storyIndex = 0;
  let timer = null;
  const bars = h("div", { class: "bars" });
  const stage = h("div", { class: "stage" });
  const owner = h("p", { class: "story-owner" });
  const viewers = h("div", { class: "viewers" });
  const close = h("button", { type: "button", class: "close", "aria-label": "Close stories" }, "×");
  const previous = h("button", { type: "button", class: "prev", "aria-label": "Previous story" }, "‹");
  const next = h("button", { type: "button", class: "next", "aria-label": "Next story" }, "›");
  const dialog = h("div", { class: "story-viewer", role: "dialog", "aria-modal": "true", "aria-label": "Stories" }, [bars, owner, stage, viewers, previous, next, close]);
  document.body.append(dialog);
  const finish = () => {
    clearTimeout(timer);
    dialog.remove();
    removeEventListener("keydown", keys);
    if (location.hash.startsWith("#/stories/")) location.hash = "#/";
  };
  const advance = (step) => {
    clearTimeout(timer);
    storyIndex += step;
    if (storyIndex >= trays[trayIndex].stories.length) {
      trayIndex += 1;
      storyIndex = 0;
    } else if (storyIndex < 0) {
      trayIndex = Math.max(0, trayIndex - 1);
      storyIndex = 0;
    }
    if (trayIndex >= trays.length) finish();
    else paint();
  };
  const keys = (event) => {
    if (event.key === "Escape") finish();
    if (event.key === "ArrowRight") advance(1);
    if (event.key === "ArrowLeft") advance(-1);
  };
  addEventListener("keydown", keys);
  close.addEventListener("click", finish);
  next.addEventListener("click", () => advance(1));
  previous.addEventListener("click", () => advance(-1));

  function paint() {
    const tray = trays[trayIndex];
    const story = tray.stories[storyIndex];
    owner.replaceChildren(h("strong", {}, tray.user.username), " ", h("time", { datetime: story.created_at }, timeAgo(story.created_at)));
    bars.replaceChildren(
      ...tray.stories.map((_, i) =>
        h("span", { class: `bar${i < storyIndex ? " done" : ""}${i === storyIndex ? " running" : ""}`, style: `--seconds: ${STORY_SECONDS}s` }, h("span")),
      ),
    );
    stage.replaceChildren(
      story.media_url
        ? h("img", { src: story.media_url, alt: `Story by ${tray.user.username}` })
        : h("p", {}, "This story is still processing."),
    );
    viewers.replaceChildren();
    if (supports("POST", "/stories/{}/view")) api.viewStory(story.story_id).catch(() => {});
    if (session.me && tray.user.user_id === session.me.user_id) showViewers(story);
    timer = setTimeout(() => advance(1), STORY_SECONDS * 1000);
  }

  async function showViewers(story) {
    if (!supports("GET", "/stories/{}/viewers")) {
      viewers.append(h("p", {}, "The viewer list is not available on this server yet."));
      return;
    }
    try {
      const page = await api.storyViewers(story.story_id);
      viewers.append(
        h("p", {}, `Seen by ${page.items.length}`),
        h("ul", { "aria-label": "Viewers" }, page.items.map((v) => h("li", {}, v.username))),
      );
    } catch (error) {
      viewers.append(h("p", {}, error.message));
    }
  }

  paint();
  close.focus();
}
