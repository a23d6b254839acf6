// The interactive page of a cumex study (cumex.explore): controls built from the dataset's dimensions,
// a plotly chart of the chosen slice, the slice's values as a table, the view kept in the URL fragment.
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("cumex-data").textContent);
  // Okabe-Ito (colour-blind safe; yellow last: it is faint on white) and a distinct marker per line
  const COLOURS = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442"];
  const MARKERS = ["circle", "square", "diamond", "triangle-up", "triangle-down", "cross", "star", "pentagon", "hexagon", "x"];
  const CONTROL_KEYS = ["var", "view", "x", "series", "y", "logx", "logy"];

  const DIMS = {};
  for (const d of DATA.dims) {
    d.numbers = d.values.map((v) => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : v));
    DIMS[d.name] = d;
  }
  for (const v of Object.values(DATA.variables)) {
    const text = atob(v.data);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i); // a plain loop: fast on 10^7 bytes
    delete v.data;
    const Typed = { f4: Float32Array, f8: Float64Array, i4: Int32Array }[v.dtype];
    v.values = new Typed(bytes.buffer);
    v.strides = [];
    let stride = 1;
    for (let k = v.dims.length - 1; k >= 0; k--) {
      v.strides[k] = stride;
      stride *= DIMS[v.dims[k]].labels.length;
    }
  }

  // the value of a variable at a full selection {dim: index} (dims it does not vary along are ignored)
  function valueAt(name, sel) {
    const v = DATA.variables[name];
    if (!v) return undefined;
    let flat = 0;
    for (let k = 0; k < v.dims.length; k++) flat += sel[v.dims[k]] * v.strides[k];
    const x = v.values[flat];
    return v.kind === "category" ? v.categories[x] : x;
  }
  const sizeOf = (dim) => DIMS[dim].labels.length;
  const varDims = (name) => DATA.variables[name].all_dims;
  const sizedDims = (name) => varDims(name).filter((d) => sizeOf(d) > 1);
  const isNumeric = (dim) => DIMS[dim].numeric;
  const finiteCoords = (dim) => isNumeric(dim) && DIMS[dim].numbers.every(Number.isFinite);
  const fmt = (x) => (typeof x === "number" ? (Number.isFinite(x) ? Number(x.toPrecision(7)).toString() : String(x)) : String(x));

  const state = JSON.parse(JSON.stringify(DATA.initial));

  // ---- the URL fragment: var=..&view=..&x=..&series=..&y=..&logx=1&at.<dim>=<label>
  function readHash() {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    for (const [key, value] of params) {
      if (key === "var" && DATA.variables[value]) state.var = value;
      else if (key === "view" && (value === "lines" || value === "map")) state.view = value;
      else if ((key === "x" || key === "y" || key === "series") && (value === "" || DIMS[value])) state[key] = value;
      else if (key === "logx" || key === "logy") state[key] = value === "1";
      else if (key.startsWith("at.") && DIMS[key.slice(3)]) {
        const k = DIMS[key.slice(3)].labels.indexOf(value);
        if (k >= 0) state.sel[key.slice(3)] = k;
      }
    }
  }
  function writeHash() {
    const params = new URLSearchParams();
    for (const key of CONTROL_KEYS) {
      const value = state[key];
      params.set(key, typeof value === "boolean" ? (value ? "1" : "0") : value);
    }
    for (const d of DATA.dims) params.set("at." + d.name, d.labels[state.sel[d.name]]);
    history.replaceState(null, "", "#" + params.toString());
  }

  // keep x, series and y among the variable's dimensions and apart from each other
  function normalise() {
    const sized = sizedDims(state.var);
    const dims = varDims(state.var);
    if (!dims.includes(state.x) || (sizeOf(state.x) < 2 && sized.length)) state.x = sized[0] || dims[0];
    const others = sized.filter((d) => d !== state.x);
    if (state.series && !others.includes(state.series)) state.series = others.includes("order") ? "order" : others[0] || "";
    if (!others.includes(state.y) || state.y === state.series) state.y = others.find((d) => d !== state.series) || others[0] || "";
    if (state.view === "map" && !state.y) state.view = "lines";
    if (!isNumeric(state.x)) state.logx = false;
  }

  // ---- controls
  const plotRow = document.getElementById("controls-plot");
  const sliceRow = document.getElementById("controls-slice");
  function control(id, text, element, row = plotRow) {
    const label = document.createElement("label");
    label.id = "label-" + id;
    const span = document.createElement("span");
    span.textContent = text;
    element.id = id;
    label.append(span, element);
    row.append(label);
    return element;
  }
  function select(id, text, options, row = plotRow) {
    const el = control(id, text, document.createElement("select"), row);
    setOptions(el, options);
    return el;
  }
  function setOptions(el, options) {
    el.replaceChildren();
    for (const o of options) {
      if (o.group) {
        const g = document.createElement("optgroup");
        g.label = o.group;
        for (const m of o.options) g.append(new Option(m.text, m.value));
        el.append(g);
      } else el.append(new Option(o.text, o.value));
    }
  }
  function checkbox(id, text) {
    const el = document.createElement("input");
    el.type = "checkbox";
    return control(id, text, el);
  }
  const variableText = (name) => {
    const v = DATA.variables[name];
    const about = v.long_name.length > 70 ? v.long_name.slice(0, 69) + "\u2026" : v.long_name;
    return about ? `${name}: ${about}` : name;
  };
  const ctl = {
    var: select("ctl-var", "variable", DATA.groups.map((g) => ({ group: g.label, options: g.names.map((n) => ({ value: n, text: variableText(n) })) }))),
    view: select("ctl-view", "view", [{ value: "lines", text: "lines" }, { value: "map", text: "map" }]),
    x: select("ctl-x", "x axis", []),
    series: select("ctl-series", "a line per", []),
    y: select("ctl-y", "y axis (map)", []),
  };
  ctl.logx = checkbox("ctl-logx", "log x");
  ctl.logy = checkbox("ctl-logy", "log y");
  ctl.logy.title = "on a map: a log colour scale";
  const sliceCtl = {};
  for (const d of DATA.dims) sliceCtl[d.name] = select("dim-" + d.name, d.name, d.labels.map((l, k) => ({ value: String(k), text: l })), sliceRow);

  function syncControls() {
    const dims = varDims(state.var);
    const sized = sizedDims(state.var);
    const options = (list) => list.map((d) => ({ value: d, text: d }));
    setOptions(ctl.x, options(sized.length ? sized : dims));
    setOptions(ctl.series, [{ value: "", text: "(one line)" }, ...options(sized.filter((d) => d !== state.x))]);
    setOptions(ctl.y, options(sized.filter((d) => d !== state.x)));
    ctl.var.value = state.var;
    ctl.view.value = state.view;
    ctl.x.value = state.x;
    ctl.series.value = state.series;
    ctl.y.value = state.y;
    ctl.logx.checked = state.logx;
    ctl.logy.checked = state.logy;
    ctl.logx.disabled = !isNumeric(state.x);
    const lines = state.view === "lines";
    ctl.series.disabled = !lines;
    ctl.y.disabled = lines || !state.y;
    document.getElementById("label-ctl-series").classList.toggle("inactive", !lines);
    document.getElementById("label-ctl-y").classList.toggle("inactive", lines);
    for (const d of DATA.dims) {
      const used = d.name === state.x || (lines ? d.name === state.series : d.name === state.y);
      const el = sliceCtl[d.name];
      el.value = String(state.sel[d.name]);
      el.disabled = used || !dims.includes(d.name) || sizeOf(d.name) < 2;
      document.getElementById("label-dim-" + d.name).classList.toggle("inactive", el.disabled);
      el.title = used ? "shown along an axis" : dims.includes(d.name) ? "" : `${state.var} does not depend on ${d.name}`;
    }
  }

  // ---- the chart
  function hoverText(sel) {
    const parts = DATA.dims.filter((d) => varDims(state.var).includes(d.name)).map((d) => `${d.name} = ${d.labels[sel[d.name]]}`);
    for (const [name, v] of Object.entries(DATA.variables)) {
      if (v.kind === "category") parts.push(`${name}: ${String(valueAt(name, sel)).slice(0, 120)}`);
    }
    return parts.join("<br>");
  }
  const failedAt = (sel) => DATA.variables.converged !== undefined && valueAt("converged", sel) === 0;
  const axisTitle = (dim) => {
    const d = DIMS[dim];
    return d.units && d.units !== "1" ? `${dim} [${d.units}]` : dim;
  };
  const variableTitle = () => {
    const v = DATA.variables[state.var];
    const units = v.units && v.units !== "1" ? ` [${v.units}]` : "";
    return `${state.var}${units}`;
  };
  function fixedText(used) {
    return DATA.dims.filter((d) => !used.includes(d.name) && varDims(state.var).includes(d.name) && sizeOf(d.name) > 1)
      .map((d) => `${d.name} = ${d.labels[state.sel[d.name]]}`).join(", ");
  }

  function linesFigure() {
    const x = state.x;
    const series = state.series ? DIMS[state.series].labels.map((_, k) => k) : [null];
    const traces = [], failed = { x: [], text: [] }, rows = [], empty = [];
    const finite = DIMS[x].numbers.filter(Number.isFinite);
    let shown = 0, values = 0, nfailed = 0;
    const yFinite = [];
    series.forEach((s, k) => {
      const name = s === null ? state.var : `${state.series} = ${DIMS[state.series].labels[s]}`;
      const trace = { type: "scatter", mode: "lines+markers", name, x: [], y: [], text: [], hovertemplate: "%{y}<br>%{text}<extra></extra>",
        line: { color: COLOURS[k % COLOURS.length] }, marker: { symbol: MARKERS[k % MARKERS.length], size: 7 }, legendgroup: name };
      let atInfinity = null;
      DIMS[x].labels.forEach((label, i) => {
        const sel = { ...state.sel, [x]: i };
        if (s !== null) sel[state.series] = s;
        const y = valueAt(state.var, sel);
        const xValue = isNumeric(x) ? DIMS[x].numbers[i] : label;
        shown++;
        if (typeof y === "string" || Number.isFinite(y)) values++;
        if (typeof y === "number" && Number.isFinite(y)) yFinite.push(y);
        if (failedAt(sel)) {
          nfailed++;
          failed.x.push(xValue);
          failed.text.push(hoverText(sel));
        }
        rows.push([name, label, fmt(y)]);
        if (typeof xValue === "number" && !Number.isFinite(xValue)) {
          if (Number.isFinite(y)) atInfinity = { y, label, text: hoverText(sel) };
          return;
        }
        trace.x.push(xValue);
        trace.y.push(y);
        trace.text.push(hoverText(sel));
      });
      // lines with no value at all (e.g. the unused slots of the per-state variables) are left out
      if (trace.y.some((v) => typeof v === "string" || Number.isFinite(v))) traces.push(trace);
      else if (!atInfinity) empty.push(name);
      // a value at x = inf (the N -> infinity limit) as a dotted line across the finite range
      if (atInfinity && finite.length) {
        const ends = [Math.min(...finite), Math.max(...finite)];
        traces.push({ type: "scatter", mode: "lines", name: `${name} (${x} = ${atInfinity.label})`, x: ends, y: [atInfinity.y, atInfinity.y],
          text: [atInfinity.text, atInfinity.text], hovertemplate: "%{y}<br>%{text}<extra></extra>",
          line: { color: COLOURS[k % COLOURS.length], dash: "dot" }, legendgroup: name });
      }
    });
    if (failed.x.length) {
      const floor = yFinite.length ? Math.min(...yFinite) : 0;
      traces.push({ type: "scatter", mode: "markers", name: "failed (converged = 0)", x: failed.x, y: failed.x.map(() => floor),
        text: failed.text, hovertemplate: "failed<br>%{text}<extra></extra>", marker: { symbol: "x-thin-open", size: 11, color: "#555", line: { width: 2 } } });
    }
    const layout = {
      title: { x: 0, xref: "paper", xanchor: "left", text: `${variableTitle()}${fixedText([x, state.series]) ? " at " + fixedText([x, state.series]) : ""}` },
      xaxis: { title: { text: axisTitle(x) }, type: state.logx ? "log" : isNumeric(x) ? "linear" : "category", automargin: true,
        dtick: state.logx ? "D2" : undefined },
      yaxis: { title: { text: variableTitle() }, type: state.logy ? "log" : "-", automargin: true, exponentformat: "power" },
      showlegend: true, legend: { orientation: "v" }, margin: { t: 60 },
    };
    const note = empty.length ? ` Not drawn, no value: ${empty.join(", ")}.` : "";
    return { traces, layout, rows, header: [state.series || "line", x, state.var], shown, values, nfailed, note };
  }

  function mapFigure() {
    const x = state.x, y = state.y;
    const v = DATA.variables[state.var];
    const coords = (dim) => (finiteCoords(dim) ? DIMS[dim].numbers : DIMS[dim].labels);
    const z = [], text = [], failed = { x: [], y: [], text: [] }, rows = [];
    let shown = 0, values = 0;
    DIMS[y].labels.forEach((ylabel, j) => {
      const zrow = [], trow = [];
      DIMS[x].labels.forEach((xlabel, i) => {
        const sel = { ...state.sel, [x]: i, [y]: j };
        let value = valueAt(state.var, sel);
        const shownValue = value;
        if (v.kind === "category") value = v.categories.indexOf(value);
        else if (state.logy) value = value > 0 ? Math.log10(value) : NaN;
        shown++;
        if (v.kind === "category" || Number.isFinite(value)) values++;
        zrow.push(Number.isFinite(value) ? value : null);
        trow.push(`${state.var} = ${fmt(shownValue)}<br>${hoverText(sel)}`);
        if (failedAt(sel)) {
          failed.x.push(coords(x)[i]);
          failed.y.push(coords(y)[j]);
          failed.text.push(hoverText(sel));
        }
        rows.push([ylabel, xlabel, fmt(shownValue)]);
      });
      z.push(zrow);
      text.push(trow);
    });
    const colorbar = { title: { text: state.logy && v.kind !== "category" ? `log10 ${state.var}` : state.var } };
    if (v.kind === "category") Object.assign(colorbar, { tickvals: v.categories.map((_, k) => k), ticktext: v.categories });
    const traces = [{ type: "heatmap", x: coords(x), y: coords(y), z, text, hovertemplate: "%{text}<extra></extra>", colorscale: "Viridis", colorbar }];
    if (failed.x.length) {
      traces.push({ type: "scatter", mode: "markers", name: "failed (converged = 0)", x: failed.x, y: failed.y, text: failed.text,
        hovertemplate: "failed<br>%{text}<extra></extra>", marker: { symbol: "x-thin-open", size: 10, color: "#d00", line: { width: 2 } } });
    }
    const axis = (dim, log) => ({ title: { text: axisTitle(dim) }, type: log ? "log" : finiteCoords(dim) ? "linear" : "category", automargin: true });
    const layout = {
      title: { x: 0, xref: "paper", xanchor: "left", text: `${variableTitle()}${fixedText([x, y]) ? " at " + fixedText([x, y]) : ""}` },
      xaxis: axis(x, state.logx), yaxis: axis(y, false), margin: { t: 60 },
    };
    return { traces, layout, rows, header: [y, x, state.var], shown, values, nfailed: failed.x.length };
  }

  function valueTable(figure) {
    const table = document.createElement("table");
    const head = table.insertRow();
    for (const h of figure.header) head.append(Object.assign(document.createElement("th"), { textContent: h }));
    for (const row of figure.rows.slice(0, 2000)) {
      const tr = table.insertRow();
      for (const cell of row) tr.insertCell().textContent = cell;
    }
    document.getElementById("value-table").replaceChildren(table);
  }

  let renders = 0;
  function render() {
    normalise();
    syncControls();
    writeHash();
    const figure = state.view === "map" ? mapFigure() : linesFigure();
    document.getElementById("summary").textContent =
      `${figure.shown} grid points in this view, ${figure.values} with a value, ${figure.nfailed} failed.${figure.note || ""}`;
    valueTable(figure);
    return Plotly.react("plot", figure.traces, figure.layout, { responsive: true, displaylogo: false }).then(() => {
      renders++;
      document.body.dataset.renders = String(renders);
    });
  }

  for (const key of ["var", "view", "x", "series", "y"]) ctl[key].addEventListener("change", () => { state[key] = ctl[key].value; render(); });
  for (const key of ["logx", "logy"]) ctl[key].addEventListener("change", () => { state[key] = ctl[key].checked; render(); });
  for (const d of DATA.dims) sliceCtl[d.name].addEventListener("change", () => { state.sel[d.name] = Number(sliceCtl[d.name].value); render(); });
  // a new fragment (a link followed, or typed) is a whole view: what it leaves out is the initial view's
  window.addEventListener("hashchange", () => { Object.assign(state, JSON.parse(JSON.stringify(DATA.initial))); readHash(); render(); });

  readHash();
  window.cumexExplore = { state, render, valueAt, data: DATA };
  render();
})();
