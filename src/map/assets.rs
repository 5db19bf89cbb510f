//! What every report page inlines: its style sheet and its script. Neither
//! depends on the page's content.

/// The report's style sheet (inlined in a `<style>` element).
pub(super) const STYLE: &str = r#"
body{font-family:Ubuntu,'DejaVu Sans',Arial,sans-serif;margin:16px 24px;color:#222}
h1{font-size:22px;margin:4px 0} h2{font-size:16px;margin-top:26px}
p.note{font-size:13px;color:#444;max-width:1100px;margin:4px 0}
#controls{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;font-size:13px;margin:10px 0}
#controls fieldset{border:1px solid #ccd;padding:2px 8px;margin:0}
#controls legend{font-size:11px;color:#666}
.swatch{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:3px;vertical-align:middle}
#main{display:flex;gap:14px;align-items:flex-start}
#mapbox{position:relative;border:1px solid #ccd;overflow:hidden;flex:1 1 auto;max-width:1000px;touch-action:none;cursor:grab;background:#f4f8fb}
#mapbox svg{display:block;width:100%;height:auto}
#zoom{position:absolute;right:8px;top:8px;display:flex;flex-direction:column;gap:4px}
#zoom button{width:30px;height:30px;font-size:18px;cursor:pointer}
#side{width:340px;font-size:13px}
#legend div{margin:2px 0}
#details{border:1px solid #ccd;padding:8px;margin-top:10px;min-height:60px;background:#fff}
#details table{border-collapse:collapse;width:100%} #details td{border-top:1px solid #eee;padding:2px 4px;vertical-align:top}
#tip{position:fixed;pointer-events:none;background:rgba(255,255,255,.96);border:1px solid #999;padding:4px 6px;font-size:12px;display:none;max-width:320px;z-index:5}
[data-territory-id]{cursor:pointer}
#areas{stroke-linejoin:round}
#areas path[data-territory-id]{stroke:#5a5a5a;stroke-width:.7px;vector-effect:non-scaling-stroke}
#areas circle[data-territory-id],#points circle{vector-effect:non-scaling-stroke}
#outlines path{stroke:#8a8a8a;stroke-width:.8px;vector-effect:non-scaling-stroke}
#buffers path{vector-effect:non-scaling-stroke}
#areas [data-territory-id]:hover{stroke:#333;stroke-width:1.5px;vector-effect:non-scaling-stroke}
#areas [data-territory-id].sel{stroke:#000;stroke-width:2.5px;vector-effect:non-scaling-stroke}
#legend .lt{font-weight:bold;margin-bottom:4px}
div.tools{display:flex;gap:8px;align-items:center}
table.sortable{border-collapse:collapse;font-size:13px} table.sortable th,table.sortable td{border:1px solid #ccc;padding:3px 8px}
table.sortable th{background:#eef2f6;cursor:pointer;user-select:none} td.n{text-align:right}
table.sortable tr[data-territory-id]:hover{background:#fff4d6;cursor:pointer}
table.sortable tr.sel{background:#ffe08a}
input.filter{margin:4px 0;padding:3px 6px;width:260px}
"#;

/// The report's script (`report.js`, inlined after the page's `DATA`).
pub(super) const SCRIPT: &str = include_str!("report.js");
