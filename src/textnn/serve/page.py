"""The web page at `/`: a text box, the label with a bar per class, and the LIME explanation
as the text with its words coloured for (green) and against (red) the label. Everything is
in this one page (no CDN): it works offline. Keyboard: Ctrl+Enter (or Cmd+Enter) classifies."""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>textnn</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
       color: #1b1b1b; }
textarea { width: 100%; min-height: 8rem; font: inherit; padding: .5rem; box-sizing: border-box; }
button { font: inherit; padding: .4rem 1.2rem; margin-top: .5rem; }
button:focus, textarea:focus, input:focus { outline: 3px solid #3b82f6; }
.bar { display: flex; align-items: center; gap: .5rem; margin: .2rem 0; }
.bar span.name { width: 9rem; overflow: hidden; text-overflow: ellipsis; }
.bar .track { flex: 1; background: #eee; height: 1.1rem; }
.bar .fill { background: #3b82f6; height: 100%; }
#label { font-size: 1.4rem; font-weight: 600; }
#explanation { padding: .6rem; border: 1px solid #ddd; margin-top: .5rem; white-space: pre-wrap; }
.muted { color: #666; font-size: .9rem; }
.error { color: #b91c1c; }
</style>
</head>
<body>
<main>
<h1>textnn</h1>
<p class="muted" id="about">Loading the model...</p>
<form id="form">
<label for="text">Text to classify</label>
<textarea id="text" name="text" required placeholder="Type or paste a text"></textarea>
<details><summary>API key</summary>
<label for="key">Bearer token (when the server asks for one)</label>
<input id="key" type="password" autocomplete="off">
</details>
<button id="submit" type="submit">Classify</button>
<span class="muted">or Ctrl+Enter</span>
</form>
<section aria-live="polite">
<p id="status" role="status"></p>
<p id="label" data-testid="label"></p>
<div id="bars"></div>
<h2 id="why" hidden>Why</h2>
<p class="muted" id="legend" hidden>Words for the label in green, against it in red
(LIME, seeded).</p>
<div id="explanation" data-testid="explanation" hidden></div>
</section>
</main>
<script>
const $ = (id) => document.getElementById(id);
function headers() {
  const h = {"Content-Type": "application/json"};
  const key = $("key").value || sessionStorage.getItem("textnn-key");
  if (key) { h["Authorization"] = "Bearer " + key; sessionStorage.setItem("textnn-key", key); }
  return h;
}
async function call(path, body) {
  const response = await fetch(path, {method: body ? "POST" : "GET", headers: headers(),
                                      body: body ? JSON.stringify(body) : undefined});
  const data = await response.json();
  if (!response.ok) { throw new Error(data.error ? data.error.message : response.statusText); }
  return data;
}
function bar(name, p) {
  const row = document.createElement("div"); row.className = "bar";
  const label = document.createElement("span"); label.className = "name"; label.textContent = name;
  const track = document.createElement("div"); track.className = "track";
  track.setAttribute("role", "meter"); track.setAttribute("aria-label", name);
  track.setAttribute("aria-valuenow", p.toFixed(3));
  const fill = document.createElement("div"); fill.className = "fill";
  fill.style.width = (100 * p).toFixed(1) + "%"; track.appendChild(fill);
  const value = document.createElement("span"); value.textContent = (100 * p).toFixed(1) + "%";
  row.append(label, track, value); return row;
}
function painted(text, weights) {
  const byWord = new Map(weights.map(([w, x]) => [w.toLowerCase(), x]));
  const largest = Math.max(1e-9, ...weights.map(([, x]) => Math.abs(x)));
  const box = $("explanation"); box.textContent = "";
  for (const piece of text.split(/(\\W+)/)) {
    const weight = byWord.get(piece.toLowerCase());
    if (weight === undefined) { box.append(document.createTextNode(piece)); continue; }
    const mark = document.createElement("mark");
    const alpha = (0.15 + 0.75 * Math.abs(weight) / largest).toFixed(2);
    mark.style.background = weight > 0 ? `rgba(22,163,74,${alpha})` : `rgba(220,38,38,${alpha})`;
    mark.dataset.weight = weight.toFixed(4);
    mark.className = weight > 0 ? "for" : "against";
    mark.title = (weight > 0 ? "for " : "against ") + weight.toFixed(3);
    mark.textContent = piece; box.append(mark);
  }
}
async function classify(event) {
  if (event) { event.preventDefault(); }
  const text = $("text").value;
  if (!text.trim()) { $("status").textContent = "Type a text first."; return; }
  $("status").textContent = "Classifying..."; $("status").className = "";
  $("why").hidden = $("legend").hidden = $("explanation").hidden = true;
  try {
    const result = await call("/v1/predict", {text: text, truncate: true});
    const prediction = result.predictions[0];
    // a multi-label run may choose several labels, or none above its thresholds
    $("label").textContent = prediction.labels.length ? prediction.labels.join(", ")
      : "(no label above its threshold)";
    $("bars").replaceChildren(...Object.entries(prediction.probabilities)
      .sort((a, b) => b[1] - a[1]).map(([name, p]) => bar(name, p)));
    $("status").textContent = "Explaining...";
    const why = await call("/v1/explain", {text: text, num_samples: 500, truncate: true});
    painted(text, why.weights);
    $("why").hidden = $("legend").hidden = $("explanation").hidden = false;
    $("status").textContent = "Done.";
  } catch (err) {
    $("status").textContent = "Error: " + err.message; $("status").className = "error";
  }
}
$("form").addEventListener("submit", classify);
$("text").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { classify(e); }
});
call("/v1/info").then((info) => {
  $("about").textContent = `Model ${info.model}; classes ${info.labels.join(", ")}.`;
}).catch((err) => { $("about").textContent = "Error: " + err.message; });
</script>
</body>
</html>
"""
