// convarith explorer: the page's script. Plain JavaScript, no build step, no network
// beyond the server that serves it. The server draws (the same code as
// `convarith animate`); this script asks for pictures, plays them and lights
// the cells each cell reads.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);

  // Sliders beside text fields: [min, max]; a slider sets the same value on every axis.
  const SLIDERS = {
    input: [1, 32], kernel: [1, 9], stride: [1, 6], padding: [0, 8],
    dilation: [1, 5], output_padding: [0, 4],
  };
  const PRESETS = { padding: ["same", "same_tf", "valid", "causal"] };
  // A change after a quiet spell is sent at once; changes in a burst (a moving
  // slider) wait DEBOUNCE_MS after the last one, but never more than MAX_WAIT_MS.
  const QUIET_MS = 150;
  const DEBOUNCE_MS = 60;
  const MAX_WAIT_MS = 250;
  const PREFETCH = 3;
  const DOWNLOAD_LABELS = { gif: "GIF", mp4: "MP4", svg: "SVG", pdf: "PDF", tikz: "TikZ", json: "scene JSON" };
  // The library's parameter names -> the controls that set them.
  const PARAMETERS = {
    input_shape: "input", input: "input", kernel_size: "kernel", kernel: "kernel", stride: "stride",
    padding: "padding", dilation: "dilation", output_padding: "output_padding",
    ceil_mode: "ceil_mode", count_include_pad: "count_include_pad", view: "view",
    theme: "theme", seed: "seed", op: "op",
  };

  const ex = {
    controls: [], labels: {}, downloads: [], view: null, frame: 0, playing: false,
    frames: new Map(), latencies: [], timings: [], overlays: [], inputStart: null, requests: 0, applied: 0, refused: 0,
  };
  window.explorer = ex;

  let timer = null;
  let lastInputAt = -Infinity;
  let deferredSince = null;
  let inFlight = null;
  let sequence = 0;
  let playTimer = null;
  let maps = null;
  // The picture's cells: outlines (flat [x0, y0, x1, y1, ...] in the picture's viewBox units)
  // by kind and index, their overlay polygons, and the cell the pointer is on ("kind:index").
  let cells = null;
  let hovered = null;

  // ------------------------------------------------------------------ controls

  function field(control) {
    const wrap = document.createElement("div");
    wrap.className = "field";
    wrap.dataset.name = control.name;
    wrap.dataset.ops = control.ops.join(" ");
    const id = `c-${control.name}`;
    if (control.kind === "bool") {
      wrap.classList.add("check");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.id = id;
      box.name = control.name;
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = control.label;
      label.title = control.help;
      wrap.append(box, label);
      box.addEventListener("change", changed);
      return wrap;
    }
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = control.label;
    wrap.append(label);
    let input;
    if (control.kind === "choice") {
      input = document.createElement("select");
      for (const choice of control.choices) {
        const option = document.createElement("option");
        option.value = choice;
        option.textContent = ex.labels[choice] || choice;
        input.append(option);
      }
      input.addEventListener("change", changed);
      wrap.append(input);
    } else {
      input = document.createElement("input");
      input.type = control.kind === "int" ? "number" : "text";
      if (control.kind === "int") { input.min = "0"; input.step = "1"; }
      input.spellcheck = false;
      input.setAttribute("autocapitalize", "off");
      input.placeholder = control.default || "default";
      input.addEventListener("input", changed);
      const range = SLIDERS[control.name];
      if (range) {
        const row = document.createElement("div");
        row.className = "row";
        const slider = document.createElement("input");
        slider.type = "range";
        slider.min = String(range[0]);
        slider.max = String(range[1]);
        slider.id = `s-${control.name}`;
        slider.setAttribute("aria-label", `${control.label} slider`);
        slider.addEventListener("input", (event) => {
          input.value = uniform(control.name, input.value, slider.value);
          changed(event);
        });
        row.append(input, slider);
        wrap.append(row);
      } else {
        wrap.append(input);
      }
      const presets = PRESETS[control.name];
      if (presets) {
        const row = document.createElement("div");
        row.className = "presets";
        for (const preset of presets) {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = preset;
          button.dataset.preset = preset;
          button.addEventListener("click", (event) => { input.value = preset; changed(event); });
          row.append(button);
        }
        wrap.append(row);
      }
    }
    input.id = id;
    input.name = control.name;
    if (control.help) {
      const help = document.createElement("div");
      help.className = "help";
      help.textContent = control.help;
      wrap.append(help);
    }
    return wrap;
  }

  // The slider's value on every axis the text field has now: 5x5 -> 7x7, 5 -> 7.
  function uniform(name, text, value) {
    const axes = name === "input" ? Math.max(1, Math.min(3, text.split(/x/i).length)) : 1;
    return Array(axes).fill(value).join("x");
  }

  function controlInput(name) { return $(`c-${name}`); }

  function readForm() {
    const op = controlInput("op").value;
    const state = {};
    for (const control of ex.controls) {
      if (!control.ops.includes(op)) continue; // a parameter the operation does not take keeps its default
      const input = controlInput(control.name);
      state[control.name] = control.kind === "bool" ? String(input.checked) : input.value;
    }
    return state;
  }

  function fillForm(state, keepFocused) {
    for (const control of ex.controls) {
      const input = controlInput(control.name);
      if (keepFocused && input === document.activeElement && control.kind === "text") continue;
      const value = state[control.name] ?? control.default;
      if (control.kind === "bool") input.checked = value === "true";
      else input.value = value;
      const slider = $(`s-${control.name}`);
      if (slider) {
        const first = parseInt(String(value).split(/x/i)[0], 10);
        // An empty field is PyTorch's default: the slider rests at its start.
        slider.value = Number.isFinite(first) ? String(first) : slider.min;
      }
    }
    showApplicable();
  }

  function showApplicable() {
    const op = controlInput("op").value;
    for (const wrap of document.querySelectorAll(".field")) {
      wrap.hidden = !wrap.dataset.ops.split(" ").includes(op);
    }
  }

  function changed(event) {
    // The first input event not yet painted starts the clock of the first-frame latency.
    if (ex.inputStart === null) ex.inputStart = event && event.timeStamp ? event.timeStamp : performance.now();
    performance.mark("explorer-input");
    if (event && event.target && event.target.name === "op") showApplicable();
    schedule();
  }

  // ------------------------------------------------------------------ requests

  function schedule() {
    const now = performance.now();
    const quiet = now - lastInputAt > QUIET_MS && timer === null;
    lastInputAt = now;
    if (timer !== null) clearTimeout(timer);
    if (quiet) { timer = null; send(readForm()); return; }
    if (deferredSince === null) deferredSince = now;
    const wait = now - deferredSince >= MAX_WAIT_MS ? 0 : DEBOUNCE_MS;
    timer = setTimeout(() => { timer = null; deferredSince = null; send(readForm()); }, wait);
  }

  function queryOf(state) {
    return new URLSearchParams(state).toString();
  }

  async function send(state, raw) {
    if (inFlight) inFlight.abort(); // a stale render: the server skips it if it has not started
    const controller = new AbortController();
    inFlight = controller;
    const mine = ++sequence;
    ex.requests += 1;
    const query = raw !== undefined ? raw : queryOf(state);
    let response;
    let data;
    const sent = performance.now();
    try {
      response = await fetch(`/api/view?${query}`, { signal: controller.signal });
      data = await response.json();
    } catch (error) {
      if (error.name === "AbortError") return;
      if (mine === sequence) showError("the server did not answer; is convarith serve still running?");
      return;
    } finally {
      if (inFlight === controller) inFlight = null;
    }
    if (mine !== sequence) return; // a newer change was sent meanwhile
    if (!response.ok) {
      ex.refused += 1;
      showError(data.error || `the server answered ${response.status}`);
      ex.inputStart = null;
      return false;
    }
    const received = performance.now();
    apply(data);
    // Where the time goes: the request (server and transfer), then the page's own work.
    ex.timings.push({ request: received - sent, apply: performance.now() - received });
    return true;
  }

  function showError(message) {
    const box = $("error");
    box.textContent = message;
    box.hidden = false;
    for (const input of document.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    const match = /^(?:unknown parameter )?([a-z_]+)/.exec(message);
    const name = match && PARAMETERS[match[1]];
    if (name && controlInput(name)) controlInput(name).setAttribute("aria-invalid", "true");
  }

  function clearError() {
    $("error").hidden = true;
    $("error").textContent = "";
    for (const input of document.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  }

  // ------------------------------------------------------------------ a new view

  function apply(data) {
    ex.applied += 1;
    clearError();
    const wasPlaying = ex.playing;
    stop();
    ex.view = data;
    ex.frames = new Map();
    ex.frame = 0;
    // Changes waiting to be sent stay in the form: they are newer than this answer.
    if (timer === null) fillForm(data.state, true);
    history.replaceState(null, "", `?${data.query}`);
    document.body.classList.toggle("dark", data.state.theme === "dark");
    renderNumbers(data.numbers);
    renderDownloads(data);
    if (data.drawn) {
      ex.frames.set(0, data.svg);
      $("picture").hidden = false;
      $("nodraw").hidden = true;
      $("playback").hidden = false;
      $("connections").hidden = false;
      const slider = $("frame");
      slider.max = String(data.frames - 1);
      paint(0);
      renderConnections(data.connectivity, data.numbers);
      clearOverlay();
      // The picture first: its cells are laid over it once it is painted.
      if (data.outlines) afterPaint(() => { if (ex.view === data) renderOverlay(data); });
      if (wasPlaying) play();
    } else {
      clearOverlay();
      $("picture").hidden = true;
      $("playback").hidden = true;
      $("connections").hidden = true;
      const note = $("nodraw");
      note.textContent = `${data.why}. Choose a 1-D or 2-D input to see it drawn.`;
      note.hidden = false;
      painted();
    }
  }

  // Run fn in a task after the browser has painted the next frame.
  function afterPaint(fn) {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = fn;
      channel.port2.postMessage(null);
    });
  }

  // After the browser has painted: the latency of the first frame, from the input event.
  function painted() {
    if (ex.inputStart === null) return;
    const start = ex.inputStart;
    ex.inputStart = null;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const end = performance.now();
        ex.latencies.push(end - start);
        performance.measure("explorer-first-frame", { start, end });
      };
      channel.port2.postMessage(null);
    });
  }

  // ------------------------------------------------------------------ frames and playback

  function paint(index) {
    const svg = ex.frames.get(index);
    if (svg === undefined) return false;
    const box = $("picture");
    box.innerHTML = svg;
    // A tall figure (the gather-vs-scatter view) is read by scrolling, not shrunk to the screen.
    box.classList.toggle("tall", ex.view.height > 1.6 * ex.view.width);
    watchPicture();
    ex.frame = index;
    $("frame").value = String(index);
    $("frame-label").textContent = `${index + 1} / ${ex.view.frames}`;
    if (index === 0) painted();
    return true;
  }

  async function frameSvg(index) {
    const view = ex.view;
    if (ex.frames.has(index)) return ex.frames.get(index);
    const response = await fetch(`/api/frame?${view.query}&frame=${index}`);
    if (!response.ok) throw new Error(`frame ${index}: ${response.status}`);
    const svg = await response.text();
    if (ex.view === view) ex.frames.set(index, svg);
    return svg;
  }

  async function show(index) {
    const view = ex.view;
    if (!view || !view.drawn) return;
    const count = view.frames;
    index = ((index % count) + count) % count;
    ex.frame = index; // the label and the slider follow when the frame is painted
    try {
      await frameSvg(index);
    } catch (error) {
      showError(String(error.message || error));
      return;
    }
    if (ex.view === view && ex.frame === index) paint(index);
    for (let n = 1; n <= PREFETCH; n += 1) {
      const next = (index + n) % count;
      if (!ex.frames.has(next)) frameSvg(next).catch(() => {});
    }
  }

  function speed() { return parseFloat($("speed").value) || 1; }

  function play() {
    if (!ex.view || !ex.view.drawn) return;
    ex.playing = true;
    $("play").textContent = "pause";
    $("play").setAttribute("aria-label", "pause");
    tick();
  }

  function tick() {
    if (!ex.playing) return;
    const view = ex.view;
    const duration = (view.durations[ex.frame] || 1000) / speed();
    playTimer = setTimeout(async () => {
      if (!ex.playing || ex.view !== view) return;
      await show(ex.frame + 1);
      tick();
    }, duration);
  }

  function stop() {
    ex.playing = false;
    clearTimeout(playTimer);
    $("play").textContent = "play";
    $("play").setAttribute("aria-label", "play");
  }

  function step(by) { stop(); show(ex.frame + by); }

  // ------------------------------------------------------------------ numbers

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function shape(values) { return values.join("×"); }

  function renderNumbers(numbers) {
    const box = $("numbers");
    box.replaceChildren();
    box.append(el("p", `output ${shape(numbers.output_shape)}`, "size"));
    box.append(el("p", `input ${shape(numbers.input_shape)} → output ${shape(numbers.output_shape)}`));
    box.append(el("h3", "Formula"));
    box.append(el("code", numbers.formula, "formula"));
    const worked = numbers.axes.map((a) => a.worked);
    const same = worked.every((w) => w === worked[0]);
    for (const axis of same ? numbers.axes.slice(0, 1) : numbers.axes) {
      const line = el("code", "", "formula");
      line.textContent = `${numbers.axes.length > 1 ? (same ? "every axis" : axis.axis) + ": " : ""}${axis.worked}`;
      box.append(line);
    }
    box.append(el("h3", "Relationship"));
    const seen = new Set();
    const rels = el("ul");
    for (const axis of numbers.axes) {
      const key = `${axis.relationship}|${axis.setting}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const item = el("li");
      if (axis.relationship) {
        const link = el("a", `relationship ${axis.relationship}`);
        link.href = `/guide#relationship-${axis.relationship}`;
        item.append(link);
      } else {
        const link = el("a", "beyond the original guide");
        link.href = "/guide#beyond-the-original";
        item.append(link);
      }
      item.append(document.createTextNode(` (${axis.setting}): `), el("code", axis.relationship_formula));
      if (numbers.axes.length > 1 && numbers.axes.some((a) => `${a.relationship}|${a.setting}` !== key)) {
        item.prepend(document.createTextNode(`${axis.axis}: `));
      }
      rels.append(item);
    }
    box.append(rels);
    if (numbers.notes.length) {
      box.append(el("h3", "Good to know"));
      const notes = el("ul");
      for (const note of numbers.notes) notes.append(el("li", note));
      box.append(notes);
    }
    box.append(el("h3", "In the guide"));
    const links = el("p");
    numbers.links.forEach((link, n) => {
      if (n) links.append(document.createTextNode(" · "));
      const a = el("a", link.text);
      a.href = link.href;
      links.append(a);
    });
    box.append(links);
    const details = el("details");
    details.append(el("summary", "as text (convarith shape)"));
    details.append(el("pre", numbers.text));
    box.append(details);
  }

  // ------------------------------------------------------------------ downloads

  function renderDownloads(data) {
    const box = $("downloads");
    box.replaceChildren();
    const notes = [];
    for (const item of ex.downloads) {
      const label = DOWNLOAD_LABELS[item.format] || item.format;
      if (item.unavailable || !data.drawn) {
        const off = el("span", label, "off");
        off.title = item.unavailable || "3-D is answered in numbers: nothing to download";
        off.dataset.format = item.format;
        box.append(off);
        if (item.unavailable) notes.push(`${label} is unavailable: ${item.unavailable}`);
      } else {
        const link = el("a", label);
        link.href = `/api/download?${data.query}&format=${item.format}`;
        link.setAttribute("download", "");
        link.dataset.format = item.format;
        box.append(link);
      }
    }
    const note = $("download-note");
    note.textContent = notes.join(" ");
    note.hidden = notes.length === 0;
  }

  // ------------------------------------------------------------------ connections (hover)

  function renderConnections(conn, numbers) {
    const grids = $("grids");
    grids.replaceChildren();
    const pooling = ex.view.state.op.endsWith("_pool");
    maps = buildMaps(conn);
    const width = Math.max(160, Math.min(grids.clientWidth || 600, 900));
    const parts = [
      ["input", conn.input_shape, `input ${shape(numbers.input_shape)}`],
      ["weight", conn.kernel_shape, pooling ? "window" : "weights"],
      ["output", conn.output_shape, `output ${shape(numbers.output_shape)}`],
    ];
    for (const [kind, dims, title] of parts) {
      const rows = dims.length > 1 ? dims[0] : 1;
      const cols = dims.length > 1 ? dims[1] : dims[0];
      const size = Math.max(6, Math.min(26, Math.floor((kind === "weight" ? width / 4 : width / 2.2) / cols)));
      const box = el("div", undefined, "grid-box");
      box.append(el("div", title, "title"));
      const ns = "http://www.w3.org/2000/svg";
      const svg = document.createElementNS(ns, "svg");
      svg.setAttribute("width", String(cols * size + 2));
      svg.setAttribute("height", String(rows * size + 2));
      svg.setAttribute("viewBox", `0 0 ${cols * size + 2} ${rows * size + 2}`);
      svg.dataset.kind = kind;
      for (let r = 0; r < rows; r += 1) {
        for (let c = 0; c < cols; c += 1) {
          const rect = document.createElementNS(ns, "rect");
          rect.setAttribute("x", String(1 + c * size));
          rect.setAttribute("y", String(1 + r * size));
          rect.setAttribute("width", String(size));
          rect.setAttribute("height", String(size));
          rect.setAttribute("class", `cell ${kind}`);
          const index = r * cols + c;
          rect.dataset.kind = kind;
          rect.dataset.index = String(index);
          svg.append(rect);
        }
      }
      // One listener per grid: the cell under the pointer says which it is.
      const cellOf = (event) => (event.target.dataset && event.target.dataset.index !== undefined
        ? parseInt(event.target.dataset.index, 10) : null);
      svg.addEventListener("pointerover", (event) => {
        const index = cellOf(event);
        if (event.pointerType === "mouse" && index !== null) light(kind, index);
      });
      svg.addEventListener("click", (event) => {
        const index = cellOf(event);
        if (index !== null) light(kind, index, true);
      });
      svg.addEventListener("pointerleave", (event) => { if (event.pointerType === "mouse") unlight(); });
      box.append(svg);
      grids.append(box);
    }
  }

  function buildMaps(conn) {
    const m = {
      inputs: [], weights: [], byInput: new Map(), byWeight: new Map(),
      inputsByWeight: new Map(), weightsByInput: new Map(),
    };
    const add = (map, key, value) => { if (!map.has(key)) map.set(key, new Set()); map.get(key).add(value); };
    conn.taps.forEach((pairs, o) => {
      m.inputs[o] = new Set(pairs.map((p) => p[0]));
      m.weights[o] = new Set(pairs.map((p) => p[1]));
      for (const [i, k] of pairs) {
        add(m.byInput, i, o);
        add(m.byWeight, k, o);
        add(m.inputsByWeight, k, i);
        add(m.weightsByInput, i, k);
      }
    });
    return m;
  }

  function unlight() {
    for (const cell of document.querySelectorAll("#grids .lit, #grids .source, #overlay .lit, #overlay .source")) {
      cell.classList.remove("lit", "source");
    }
  }

  function mark(kind, indices) {
    const drawn = cells && cells.polygons[kind];
    for (const index of indices) {
      const cell = document.querySelector(`#grids rect[data-kind="${kind}"][data-index="${index}"]`);
      if (cell) cell.classList.add("lit");
      if (drawn && drawn[index]) drawn[index].classList.add("lit");
    }
  }

  function light(kind, index, tapped) {
    if (!maps) return;
    unlight();
    const source = document.querySelector(`#grids rect[data-kind="${kind}"][data-index="${index}"]`);
    if (source) source.classList.add("source");
    const drawn = cells && cells.polygons[kind] && cells.polygons[kind][index];
    if (drawn) drawn.classList.add("source");
    if (kind === "output") {
      mark("input", maps.inputs[index] || []);
      mark("weight", maps.weights[index] || []);
      if (ex.view.frame_is_output && (tapped || !ex.playing)) { stop(); show(index); }
    } else if (kind === "input") {
      mark("output", maps.byInput.get(index) || []);
      mark("weight", maps.weightsByInput.get(index) || []);
    } else {
      mark("output", maps.byWeight.get(index) || []);
      mark("input", maps.inputsByWeight.get(index) || []);
    }
  }

  // ------------------------------------------------------------------ the picture's cells (hover)
  // In the views whose frame is an output cell, the server sends where each input and output
  // cell is on the picture. A transparent SVG with the picture's viewBox lies exactly over the
  // picture and shows the lit cells; the picture itself takes the pointer, and the cell under
  // it is found from the outlines (so the picture can still be clicked, scrolled and tapped).

  const overlayWatch = typeof ResizeObserver === "function" ? new ResizeObserver(placeOverlay) : null;

  function clearOverlay() {
    const overlay = $("overlay");
    overlay.replaceChildren();
    overlay.setAttribute("hidden", ""); // an SVG element: no .hidden property
    cells = null;
    hovered = null;
    $("picture-wrap").classList.remove("pointing");
  }

  function renderOverlay(data) {
    const start = performance.now();
    const overlay = $("overlay");
    const parse = (points) => (points === null ? null : points.split(/[ ,]/).map(Number));
    let html = "";
    for (const kind of ["input", "output"]) {
      data.outlines[kind].forEach((points, index) => {
        if (points !== null) html += `<polygon points="${points}" data-kind="${kind}" data-index="${index}"/>`;
      });
    }
    overlay.innerHTML = html; // parsed as SVG: the overlay is an <svg> element
    overlay.setAttribute("data-view", data.state.view);
    const polygons = { input: [], output: [] };
    for (const polygon of overlay.children) polygons[polygon.dataset.kind][+polygon.dataset.index] = polygon;
    cells = {
      input: data.outlines.input.map(parse),
      output: data.outlines.output.map(parse),
      polygons,
    };
    overlay.removeAttribute("hidden");
    placeOverlay();
    ex.overlays.push(performance.now() - start);
  }

  // Observe the picture (the page's width) and its SVG (replaced at every frame): the
  // observer calls placeOverlay after layout, before paint, without forcing a layout.
  function watchPicture() {
    if (!overlayWatch) { placeOverlay(); return; }
    overlayWatch.disconnect();
    overlayWatch.observe($("picture"));
    const svg = $("picture").querySelector("svg");
    if (svg) overlayWatch.observe(svg);
  }

  // The overlay takes the picture's box and viewBox, so that one canvas unit is the same on both.
  function placeOverlay() {
    const overlay = $("overlay");
    const svg = $("picture").querySelector("svg");
    if (overlay.hasAttribute("hidden") || !svg) return;
    const box = svg.getBoundingClientRect();
    const wrap = $("picture-wrap").getBoundingClientRect();
    overlay.setAttribute("viewBox", svg.getAttribute("viewBox"));
    overlay.style.left = `${box.left - wrap.left}px`;
    overlay.style.top = `${box.top - wrap.top}px`;
    overlay.style.width = `${box.width}px`;
    overlay.style.height = `${box.height}px`;
  }

  // Whether (x, y) is inside the polygon of flat points (even-odd rule).
  function inside(points, x, y) {
    let hit = false;
    for (let i = 0, j = points.length - 2; i < points.length; j = i, i += 2) {
      const xi = points[i], yi = points[i + 1], xj = points[j], yj = points[j + 1];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
    }
    return hit;
  }

  // The cell under a pointer event, as [kind, index], or null.
  function cellAt(event) {
    const svg = $("picture").querySelector("svg");
    if (!cells || !svg) return null;
    const view = svg.viewBox.baseVal;
    const box = svg.getBoundingClientRect();
    if (!view || !view.width || !box.width) return null;
    // The viewBox fitted in the box, centred (SVG's default preserveAspectRatio).
    const scale = Math.min(box.width / view.width, box.height / view.height);
    const x = view.x + (event.clientX - box.left - (box.width - view.width * scale) / 2) / scale;
    const y = view.y + (event.clientY - box.top - (box.height - view.height * scale) / 2) / scale;
    for (const kind of ["output", "input"]) {
      const list = cells[kind];
      for (let index = 0; index < list.length; index += 1) {
        if (list[index] && inside(list[index], x, y)) return [kind, index];
      }
    }
    return null;
  }

  function pointAt(event, tapped) {
    const cell = cellAt(event);
    const key = cell ? cell.join(":") : null;
    $("picture-wrap").classList.toggle("pointing", cell !== null);
    if (key === hovered && !tapped) return;
    hovered = key;
    if (cell) light(cell[0], cell[1], tapped);
    else unlight();
  }

  function watchPointer() {
    const wrap = $("picture-wrap");
    const hovering = (event) => event.pointerType === "mouse" || event.pointerType === "pen";
    wrap.addEventListener("pointermove", (event) => { if (hovering(event) && cells) pointAt(event, false); });
    wrap.addEventListener("pointerleave", (event) => {
      if (!hovering(event) || hovered === null) return;
      hovered = null;
      wrap.classList.remove("pointing");
      unlight();
    });
    wrap.addEventListener("click", (event) => { if (cells) pointAt(event, true); });
  }

  // ------------------------------------------------------------------ start

  function keys(event) {
    const target = event.target;
    const typing = target && (target.tagName === "INPUT" && target.type !== "range" && target.type !== "checkbox" || target.tagName === "SELECT" || target.tagName === "TEXTAREA");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === " ") { event.preventDefault(); ex.playing ? stop() : play(); }
    else if (event.key === "ArrowRight" && target.type !== "range") { event.preventDefault(); step(1); }
    else if (event.key === "ArrowLeft" && target.type !== "range") { event.preventDefault(); step(-1); }
    else if (event.key === "Home") { event.preventDefault(); stop(); show(0); }
    else if (event.key === "End" && ex.view) { event.preventDefault(); stop(); show(ex.view.frames - 1); }
  }

  async function start() {
    const response = await fetch("/api/controls");
    const data = await response.json();
    ex.controls = data.controls;
    ex.labels = data.labels;
    ex.downloads = data.downloads;
    const form = $("form");
    for (const control of ex.controls) form.append(field(control));
    form.addEventListener("submit", (event) => event.preventDefault());
    $("play").addEventListener("click", () => (ex.playing ? stop() : play()));
    $("back").addEventListener("click", () => step(-1));
    $("forward").addEventListener("click", () => step(1));
    $("first").addEventListener("click", () => { stop(); show(0); });
    $("frame").addEventListener("input", () => { stop(); show(parseInt($("frame").value, 10)); });
    $("speed").addEventListener("change", () => { if (ex.playing) { clearTimeout(playTimer); tick(); } });
    $("copy-link").addEventListener("click", async () => {
      try { await navigator.clipboard.writeText(location.href); } catch (error) { prompt("Copy this link:", location.href); return; }
      $("copied").hidden = false;
      setTimeout(() => { $("copied").hidden = true; }, 1500);
    });
    document.addEventListener("keydown", keys);
    watchPointer();
    const given = location.search.replace(/^\?/, "");
    fillForm(Object.fromEntries(new URLSearchParams(given)), false);
    const ok = await send(null, given);
    if (ok === false && given) {
      // The link's values are refused: say why, and draw the defaults beneath.
      const message = $("error").textContent;
      const defaults = Object.fromEntries(ex.controls.map((c) => [c.name, c.default]));
      fillForm(defaults, false);
      await send(readForm());
      showError(`${message} (the link's view could not be drawn; showing the defaults)`);
    }
    document.body.dataset.ready = "true";
  }

  start();
})();
