// The convarith explorer in a notebook: the front end of convarith.notebook.widget.
//
// Loaded by anywidget as an ES module; no network, no build step.  It draws one
// control per entry of the model's `controls` (the page's CONTROLS) and writes
// their values, as text, into `state`; Python checks and draws them and sends
// back `svg` (convarith's animated SVG), `durations`, `info`, `error`, `note`.
// Playback pauses the SVG's own clock and sets it to one frame at a time, each
// held for its duration divided by the speed.

const TYPING_PAUSE_MS = 500;
const HINT = "Point at a control to see what it takes. Greyed controls do not apply to the operation.";
// The traits the view follows (every synced trait but the fixed `controls` and `speeds`).
const TRAITS = [
  "state", "svg", "durations", "loop", "info", "info_stale", "error", "stale", "note", "playing",
  "frame", "speed",
];

function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

function opLabel(controls, op) {
  const spec = controls.find((c) => c.name === "op");
  const index = spec ? spec.choices.indexOf(op) : -1;
  return index >= 0 ? spec.choice_labels[index] : op;
}

// ---------------------------------------------------------------- controls

function buildControls(model, root) {
  const controls = model.get("controls");
  const form = h("div", { class: "cx-controls" });
  const hint = h("div", { class: "cx-hint", "aria-live": "polite", text: HINT });
  const fields = new Map();
  let pending = null;

  function commit(name, value) {
    clearTimeout(pending);
    const state = { ...model.get("state"), [name]: value };
    if (name === "op") {
      // Parameters that mean nothing for the new operation go back to their defaults.
      for (const spec of controls) {
        if (!spec.ops.includes(value)) state[spec.name] = spec.default;
      }
    }
    model.set("state", state);
    model.save_changes();
  }

  function showHint(spec) {
    const applies = spec.ops.includes(model.get("state").op);
    hint.textContent = spec.help
      ? `${spec.label}: ${spec.help}` +
        (applies ? "" : ` (not used by ${opLabel(controls, model.get("state").op)})`)
      : "";
  }

  for (const spec of controls) {
    const id = `cx-${spec.name}-${Math.random().toString(36).slice(2, 9)}`;
    let input;
    if (spec.kind === "choice") {
      input = h("select", { id });
      spec.choices.forEach((choice, i) =>
        input.append(h("option", { value: choice, text: spec.choice_labels[i] }))
      );
      input.addEventListener("change", () => commit(spec.name, input.value));
    } else if (spec.kind === "bool") {
      input = h("input", { id, type: "checkbox" });
      input.addEventListener("change", () =>
        commit(spec.name, input.checked ? "true" : "false")
      );
    } else {
      const numeric = spec.kind === "int";
      input = h("input", {
        id,
        type: "text",
        inputmode: numeric ? "numeric" : "text",
        spellcheck: "false",
        autocomplete: "off",
        placeholder: spec.default === "" ? "default" : null,
      });
      input.addEventListener("input", () => {
        clearTimeout(pending);
        pending = setTimeout(() => commit(spec.name, input.value), TYPING_PAUSE_MS);
      });
      input.addEventListener("change", () => commit(spec.name, input.value));
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") commit(spec.name, input.value);
      });
    }
    const field = h(
      "div",
      { class: `cx-field cx-${spec.kind}`, "data-name": spec.name },
      h("label", { for: id, text: spec.label }),
      input
    );
    field.title = spec.help;
    for (const target of [input, field]) {
      target.addEventListener("focus", () => showHint(spec));
      target.addEventListener("mouseenter", () => showHint(spec));
    }
    fields.set(spec.name, { spec, input, field });
    form.append(field);
  }

  function sync() {
    const state = model.get("state");
    for (const { spec, input, field } of fields.values()) {
      const value = state[spec.name] ?? spec.default;
      if (spec.kind === "bool") input.checked = value.trim().toLowerCase() === "true";
      else if (document.activeElement !== input || spec.kind === "choice") {
        if (input.value !== value) input.value = value;
      }
      const applies = spec.ops.includes(state.op);
      input.disabled = !applies;
      field.classList.toggle("cx-off", !applies);
    }
  }

  root.append(form, hint);
  return { sync };
}

// ---------------------------------------------------------------- picture

function buildPicture(model, root) {
  const alert = h("div", { class: "cx-error", role: "alert" });
  const picture = h("div", { class: "cx-picture" });
  const staleLabel = h("div", {
    class: "cx-stale-label",
    text: "last valid picture (the current choice is refused above)",
  });
  const note = h("div", { class: "cx-note" });
  const first = h("button", { type: "button", title: "first frame", text: "first" });
  const back = h("button", { type: "button", title: "previous frame", text: "◀ step" });
  const play = h("button", { type: "button", class: "cx-play", text: "pause" });
  const next = h("button", { type: "button", title: "next frame", text: "step ▶" });
  const slider = h("input", { type: "range", min: 0, max: 0, step: 1, value: 0, "aria-label": "frame" });
  const counter = h("span", { class: "cx-counter" });
  const speed = h("select", { "aria-label": "speed", title: "playback speed" });
  for (const s of model.get("speeds")) speed.append(h("option", { value: s, text: `${s}×` }));
  const bar = h("div", { class: "cx-playback" }, first, back, play, next, slider, counter,
    h("label", { class: "cx-speed" }, "speed ", speed));
  const stage = h("div", { class: "cx-stage" }, staleLabel, picture, note);
  root.append(alert, stage, bar);

  let svg = null;
  let shownSvg = null;
  let durations = [];
  let starts = [0];
  let shown = -1; // the frame on screen
  let timer = 0;
  let scheduled = ""; // what the running timer was set for

  const count = () => durations.length;

  function show(frame) {
    if (!svg || count() === 0) return;
    // The middle of the frame's time slot: the discrete visibility switches are at its edges.
    svg.setCurrentTime((starts[frame] + durations[frame] / 2) / 1000);
    shown = frame;
    slider.value = String(frame);
    counter.textContent = `frame ${frame + 1} / ${count()}`;
  }

  function publishFrame(frame) {
    if (model.get("frame") !== frame) {
      model.set("frame", frame);
      model.save_changes();
    }
  }

  function setPlaying(value) {
    if (model.get("playing") !== value) {
      model.set("playing", value);
      model.save_changes();
    }
    if (!value && shown >= 0) publishFrame(shown);
    schedule();
  }

  // While playing, one timer per frame: frame n stays for durations[n] / speed ms.
  function schedule() {
    const playing = model.get("playing") && svg !== null && count() > 0;
    const key = playing ? `${shownSvg.length}|${shown}|${model.get("speed")}` : "";
    if (key === scheduled) return;
    clearTimeout(timer);
    scheduled = key;
    if (playing) timer = setTimeout(advance, durations[shown] / model.get("speed"));
  }

  function advance() {
    scheduled = "";
    let frame = shown + 1;
    if (frame >= count()) {
      if (!model.get("loop")) {
        setPlaying(false);
        return;
      }
      frame = 0;
    }
    show(frame);
    schedule();
  }

  function jump(frame) {
    if (count() === 0) return;
    const f = Math.max(0, Math.min(count() - 1, frame));
    show(f);
    setPlaying(false);
    publishFrame(f);
  }

  first.addEventListener("click", () => jump(0));
  back.addEventListener("click", () => jump((shown - 1 + count()) % Math.max(count(), 1)));
  next.addEventListener("click", () => jump((shown + 1) % Math.max(count(), 1)));
  slider.addEventListener("input", () => jump(Number(slider.value)));
  play.addEventListener("click", () => {
    const playing = !model.get("playing");
    if (playing && !model.get("loop") && shown === count() - 1) show(0);
    setPlaying(playing);
  });
  speed.addEventListener("change", () => {
    model.set("speed", Number(speed.value));
    model.save_changes();
    schedule();
  });

  function sync() {
    const text = model.get("svg");
    if (text !== shownSvg) {
      shownSvg = text;
      picture.innerHTML = text; // convarith's own SVG document, made by the kernel
      svg = picture.querySelector("svg");
      if (svg) svg.pauseAnimations();
      durations = model.get("durations");
      starts = [0];
      for (const d of durations) starts.push(starts[starts.length - 1] + d);
      slider.max = String(Math.max(count() - 1, 0));
      shown = -1;
      scheduled = "";
      clearTimeout(timer);
    }
    const frame = model.get("frame");
    if (svg && frame !== shown && frame < count()) show(frame);
    const playing = model.get("playing");
    play.textContent = playing ? "pause" : "play";
    play.title = playing ? "pause" : "play";
    speed.value = String(model.get("speed"));
    for (const b of [first, back, play, next, slider, speed]) b.disabled = !svg;
    if (!svg) counter.textContent = "";
    alert.textContent = model.get("error");
    alert.hidden = !model.get("error");
    note.textContent = model.get("note");
    note.hidden = !model.get("note");
    picture.hidden = !svg;
    stage.classList.toggle("cx-is-stale", model.get("stale"));
    bar.hidden = !svg;
    schedule();
  }

  return { sync, stop: () => clearTimeout(timer) };
}

// ---------------------------------------------------------------- numbers

function entries(list, withWorked) {
  const out = h("div", { class: "cx-axes" });
  for (const entry of list) {
    const line = h("div", { class: "cx-axis" });
    if (entry.axis) line.append(h("span", { class: "cx-axis-name", text: `${entry.axis}: ` }));
    line.append(h("code", { text: entry.text }));
    out.append(line);
    if (withWorked && entry.worked) {
      out.append(h("div", { class: "cx-axis cx-worked" }, h("code", { text: entry.worked })));
    }
  }
  return out;
}

function buildInfo(model, root) {
  const aside = h("aside", { class: "cx-info" });
  root.append(aside);
  function sync() {
    const info = model.get("info");
    aside.replaceChildren();
    if (!info || !info.output) return;
    aside.classList.toggle("cx-is-stale", model.get("info_stale"));
    if (model.get("info_stale")) {
      aside.append(h("p", { class: "cx-stale-info", text: "For the last valid choice:" }));
    }
    aside.append(
      h("h4", { text: "Output size" }),
      h("p", { class: "cx-output" },
        `${info.operation}: input ${info.input} → output `,
        h("strong", { text: info.output })),
      h("h4", { text: "Formula, with the numbers put in" }),
      h("p", {}, h("code", { text: info.formula })),
      entries(info.worked, false),
      h("h4", { text: "The guide's relationship" }),
      entries(info.relationships, true)
    );
    if (info.notes.length) {
      const list = h("ul");
      for (const n of info.notes) list.append(h("li", { text: n }));
      aside.append(h("h4", { text: "Good to know" }), list);
    }
  }
  return { sync };
}

// ---------------------------------------------------------------- widget

function render({ model, el }) {
  // Keys typed into the controls are the controls' own, not the notebook's shortcuts.
  const root = h("div", { class: "convarith-explorer", "data-lm-suppress-shortcuts": "true" });
  el.append(root);
  const controls = buildControls(model, root);
  const body = h("div", { class: "cx-body" });
  const left = h("div", { class: "cx-left" });
  body.append(left);
  root.append(body);
  const picture = buildPicture(model, left);
  const info = buildInfo(model, body);

  let queued = false;
  function sync() {
    queued = false;
    controls.sync();
    picture.sync();
    info.sync();
  }
  // Several traits arrive in one message: draw once, after all of them are set.
  const schedule = () => {
    if (!queued) {
      queued = true;
      queueMicrotask(sync);
    }
  };
  for (const name of TRAITS) model.on(`change:${name}`, schedule);
  sync();
  return () => {
    picture.stop();
    for (const name of TRAITS) model.off(`change:${name}`, schedule);
  };
}

export default { render };
