/**
 * Inline CSS and JS of the report: no external resource at all, so that it opens from file://,
 * from a mail attachment or on an air-gapped bastion. The script carries no data (everything
 * is in the escaped markup), so log content can never reach a script context.
 */

export const CSS = `
:root{--haproxy:#2563eb;--mysql:#ea580c;--app:#16a34a;--network:#9333ea;--unknown:#6b7280;--err:#dc2626;
--bg:#f4f5f7;--card:#fff;--ink:#111827;--muted:#6b7280;--line:#e5e7eb;
--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;
--sans:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 var(--sans)}
main{max-width:1120px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:26px;margin:0}h2{font-size:19px;margin:28px 0 10px}h3{font-size:14px;margin:0 0 8px;color:var(--muted);font-weight:600}
code{font:12.5px var(--mono);background:#f1f3f5;border-radius:3px;padding:0 3px}
.muted{color:var(--muted)}
.t-haproxy{--c:var(--haproxy)}.t-mysql{--c:var(--mysql)}.t-app{--c:var(--app)}.t-network{--c:var(--network)}.t-unknown{--c:var(--unknown)}
.tcol{color:var(--c)}
header.top{display:flex;justify-content:space-between;align-items:baseline;flex-wrap:wrap;gap:8px;border-bottom:1px solid var(--line);padding-bottom:12px}
header.top .sub{color:var(--muted)}
nav.toc a{color:var(--muted);margin-left:14px;text-decoration:none}nav.toc a:hover{color:var(--ink)}
.answer{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 22px;margin-top:18px}
.headline{font-size:17px;margin:0 0 14px}
.headline code{font-size:15px}
.bignums{display:flex;gap:28px;flex-wrap:wrap;margin-bottom:14px}
.big{display:flex;align-items:center;gap:10px}
.big .num{font-size:44px;font-weight:700;line-height:1}
.big.err .num{color:var(--err)}.big.sil .num{color:#374151}
.big .lbl{font-weight:600}.big small{font-weight:400;color:var(--muted)}
.nothing{font-size:18px;color:#065f46;background:#ecfdf5;border:1px solid #a7f3d0;border-radius:8px;padding:12px 16px;margin:0}
.stack{display:flex;height:16px;border-radius:8px;overflow:hidden;background:var(--line);margin-bottom:8px}
.stack .seg{background:var(--c);height:100%}
.legend{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px 20px}
.chip{display:inline-flex;align-items:center;gap:5px;border:1px solid var(--line);border-radius:999px;padding:0 8px;font-size:12px;white-space:nowrap;background:#fff}
.chip .sw{width:9px;height:9px;border-radius:50%;background:var(--c)}
[role=button],.linkbtn{cursor:pointer}
[role=button]:hover,.chip.active{border-color:var(--c);box-shadow:0 0 0 1px var(--c)}
.linkbtn{border:0;background:none;color:#1d4ed8;padding:0;font:inherit;font-size:12.5px}
.linkbtn:hover{text-decoration:underline}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:middle}
th{font-size:12px;color:var(--muted);font-weight:600;background:#fafafa}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.warn{color:#b45309;font-weight:600}
td.path{font:12.5px var(--mono);word-break:break-all}
.causename{display:block}.causeid{display:block;font:11.5px var(--mono);color:var(--muted)}
.conf{display:inline-flex;align-items:center;gap:6px;font-variant-numeric:tabular-nums;font-size:12.5px}
.conf-bar{width:60px;height:6px;border-radius:3px;background:var(--line);overflow:hidden;display:inline-block}
.conf-bar span{display:block;height:100%}
.conf-hi .conf-bar span{background:#16a34a}.conf-mid .conf-bar span{background:#d97706}.conf-lo .conf-bar span{background:#dc2626}
.fixes ol{list-style:none;padding:0;margin:0;display:grid;gap:10px}
.fix{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--c);border-radius:8px;padding:10px 14px}
.fix-h{display:flex;justify-content:space-between;flex-wrap:wrap;gap:4px 12px;font-weight:600}
.fix-h .muted{font-weight:400;font-size:12.5px}
.fix p{margin:6px 0 0}
dl{margin:0}
.vals,.facts{display:flex;flex-wrap:wrap;gap:4px 18px;margin-top:6px;font-size:12.5px}
.vals dt,.facts dt{display:inline;color:var(--muted);margin-right:5px}
.vals dd,.facts dd{display:inline;margin:0}
.toolbar{display:flex;align-items:center;gap:12px;flex-wrap:wrap;margin-bottom:10px;font-size:13px}
.toolbar .filter{flex:1;color:var(--muted)}
.toolbar button{font:inherit;font-size:12.5px;border:1px solid var(--line);background:#fff;border-radius:6px;padding:3px 10px;cursor:pointer}
.cards{display:grid;gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--c);border-radius:8px;padding:12px 16px}
.card-h{display:flex;align-items:center;flex-wrap:wrap;gap:6px 12px}
.card-h time{font:12.5px var(--mono);color:var(--muted)}
.card-h .cause{font-weight:600}
.card-h .conf{margin-left:auto}
.errcode{background:#fee2e2;color:#991b1b;font-weight:600}
.ambiguous{background:#fef3c7;color:#92400e;font-weight:600;font-size:11.5px;padding:1px 7px;border-radius:999px;border:1px dashed #d97706}
.msg{margin:6px 0 4px;font:12.5px var(--mono);color:#374151;word-break:break-word}
.why{margin:4px 0}
code.state{background:#eef2ff}
.tl-wrap{margin:6px 0 2px;border:1px solid #eef0f3;border-radius:6px;background:#fcfcfd;overflow-x:auto}
svg.timeline{display:block;width:100%;min-width:680px;height:auto}
svg.timeline text{font-family:var(--sans);font-size:11px}
.tl-session{fill:#e2e8f0;stroke:#94a3b8}
.tl-idle{fill:url(#gw-idle);stroke:#f59e0b;stroke-width:.8}
.tl-lastq{stroke:#334155;stroke-width:2}
.tl-idletext{fill:#78350f;font-weight:600;paint-order:stroke;stroke:#fffbeb;stroke-width:3px}
.tl-sessiontext{fill:#334155}
.tl-close{stroke:var(--c);stroke-width:2}
.tl-closedot{fill:var(--c);stroke:#fff;stroke-width:1.5}
.tl-closelabel{fill:var(--c);font-weight:700}
.tl-error{fill:var(--err);stroke:#fff;stroke-width:1}
.tl-lag{stroke:var(--err);stroke-width:1.5;stroke-dasharray:4 3}
.tl-laglabel{fill:#991b1b}
.tl-errlabel{fill:#991b1b;font-weight:600}
.tl-ev{fill:var(--c);stroke:#fff;stroke-width:1}
.tl-axis,.tl-tick{stroke:#9ca3af}
.tl-break{stroke:#6b7280;fill:none;stroke-width:1.3}
.tl-gapmask{fill:#fcfcfd}
svg.timeline .tl-small{font-size:10px}
svg.timeline .tl-ticklabel{fill:var(--muted);font-size:10px}
.tl-lane{fill:var(--muted);font-weight:600}
.tl-note{fill:var(--muted);font-style:italic}
.tl-none{color:var(--muted);font-style:italic;margin:6px 10px}
.evidence{margin-top:8px}
.evidence summary{cursor:pointer;color:var(--muted);font-size:12.5px}
.evidence ol{list-style:none;margin:6px 0 0;padding:0;display:grid;gap:6px}
.ev-h{display:flex;gap:8px;align-items:center;flex-wrap:wrap;font-size:12px}
.ev-h .loc{background:none;padding:0;color:#374151;word-break:break-all}
.evidence pre{margin:3px 0 0;padding:6px 8px;background:#f8fafc;border:1px solid #eef0f3;border-radius:5px;font:12px/1.4 var(--mono);white-space:pre-wrap;word-break:break-all;max-height:260px;overflow:auto}
.omitted{background:#fffbeb;border:1px solid #fde68a;border-radius:8px;padding:10px 14px;margin-top:12px}
details.silent>summary{cursor:pointer;font-size:19px;font-weight:700;margin:28px 0 10px}
details.silent>summary small{font-weight:400;color:var(--muted);font-size:13px}
footer{margin-top:36px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:10px}
@media print{details{display:block}.toolbar{display:none}.card{break-inside:avoid}}
`;

/** filtering by cause / terminator and expanding the evidence; data attributes only, no embedded data */
export const JS = `
(function(){
  var state={cause:null,term:null};
  var cards=[].slice.call(document.querySelectorAll('#errors .card'));
  var status=document.getElementById('filter-status');
  var clear=document.getElementById('filter-clear');
  function apply(){
    var shown=0;
    cards.forEach(function(c){
      var ok=(!state.cause||c.getAttribute('data-cause')===state.cause)&&(!state.term||c.getAttribute('data-term')===state.term);
      c.hidden=!ok; if(ok)shown++;
    });
    document.querySelectorAll('[data-filter-term]').forEach(function(b){b.classList.toggle('active',b.getAttribute('data-filter-term')===state.term);});
    if(status){
      var what=state.cause?'cause '+state.cause:state.term?'closed by '+state.term:'';
      status.textContent=what?'Showing '+shown+' of '+cards.length+' drawn errors: '+what:'Showing all '+cards.length+' drawn errors';
    }
    if(clear)clear.hidden=!(state.cause||state.term);
  }
  function pick(el){
    if(el.hasAttribute('data-filter-cause')){var c=el.getAttribute('data-filter-cause');state={cause:state.cause===c?null:c,term:null};}
    else if(el.hasAttribute('data-filter-term')){var t=el.getAttribute('data-filter-term');state={cause:null,term:state.term===t?null:t};}
    else if(el.hasAttribute('data-filter-clear')){state={cause:null,term:null};}
    else if(el.hasAttribute('data-evidence')){var open=el.getAttribute('data-evidence')==='open';
      document.querySelectorAll('details.evidence').forEach(function(d){d.open=open;});return;}
    else return;
    apply();
    if(state.cause||state.term){var e=document.getElementById('errors');if(e)e.scrollIntoView({behavior:'smooth',block:'start'});}
  }
  document.addEventListener('click',function(ev){
    var el=ev.target&&ev.target.closest&&ev.target.closest('[data-filter-cause],[data-filter-term],[data-filter-clear],[data-evidence]');
    if(el)pick(el);
  });
  document.addEventListener('keydown',function(ev){
    if(ev.key!=='Enter'&&ev.key!==' ')return;
    var el=ev.target&&ev.target.closest&&ev.target.closest('[role=button]');
    if(el){ev.preventDefault();pick(el);}
  });
  apply();
})();
`;

export const SVG_DEFS = `<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs><pattern id="gw-idle" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="7" height="7" fill="#fef3c7"/><line x1="0" y1="0" x2="0" y2="7" stroke="#fbbf24" stroke-width="3"/></pattern></defs></svg>`;
