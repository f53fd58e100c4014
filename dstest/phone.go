package dstest

import (
	"net/http"

	"github.com/zsdata/digitalspace/internal/wire"
)

// servePhone writes the holder's phone page (手机端): pick a holder, see
// their authorizations, open, approve (choosing items) or reject, and scan a
// 办事码 by pasting its qrContent. Self-contained: no external assets.
func servePhone(w http.ResponseWriter) {
	h := w.Header()
	h.Set(wire.HeaderContentType, "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(phoneHTML))
}

const phoneHTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>数字空间 · 模拟手机 (DSP/1 simulator, TEST data)</title>
<style>
body{font-family:system-ui,sans-serif;max-width:480px;margin:0 auto;padding:12px;background:#f4f6fa}
h1{font-size:18px}.card{background:#fff;border-radius:8px;padding:10px;margin:10px 0;box-shadow:0 1px 3px #0002}
.st{font-weight:bold}.muted{color:#777;font-size:12px}button{margin:4px 4px 0 0;padding:6px 12px}
textarea,select{width:100%;box-sizing:border-box}#msg{color:#b00}
</style></head><body>
<h1>数字空间 · 模拟手机</h1>
<div class="muted">TEST ONLY — synthetic holders and licenses of the DSP/1 simulator.</div>
<div class="card"><label>持证主体 (holder)<br><select id="holder"></select></label></div>
<div class="card"><b>扫办事码 (scan a service code)</b><br>
<textarea id="qr" rows="2" placeholder="paste qrContent"></textarea><br><button id="scan">扫码</button></div>
<div id="msg"></div><div id="list"></div>
<script>
"use strict";
const $=id=>document.getElementById(id);
const q=new URLSearchParams(location.search);
let holders=[];
function cur(){return holders[$("holder").selectedIndex]}
function ref(){const h=cur();return h?{idType:h.idType,idNumber:h.idNumber}:null}
async function api(method,path,body){
  const r=await fetch("/_sim/"+path,{method,headers:{"Content-Type":"application/json"},body:body?JSON.stringify(body):undefined});
  const j=await r.json().catch(()=>({}));
  if(!r.ok){throw new Error((j.code||r.status)+" "+(j.message||""))}
  return j;
}
function say(t){$("msg").textContent=t||""}
function el(tag,attrs,text){const e=document.createElement(tag);Object.assign(e,attrs||{});if(text!==undefined)e.textContent=text;return e}
async function load(){
  say("");
  const h=ref();if(!h)return;
  const j=await api("GET","authorizations?idType="+encodeURIComponent(h.idType)+"&idNumber="+encodeURIComponent(h.idNumber));
  const list=$("list");list.replaceChildren();
  for(const a of j.authorizations){
    const c=el("div",{className:"card"});
    c.append(el("div",{className:"st"},a.status+" · "+a.matter.name));
    c.append(el("div",{},(a.orgName||"")+" / "+(a.systemName||"")));
    c.append(el("div",{},"用途: "+a.purpose));
    c.append(el("div",{className:"muted"},a.authorizationId+" · "+a.scenario+" · expires "+a.expiresAt));
    const open=a.status==="PENDING"||a.status==="SCANNED";
    const boxes=[];
    const items=a.items.map(i=>({...i,extra:false})).concat((a.extraItems||[]).map(i=>({...i,required:false,extra:true})));
    for(const it of items){
      const lab=el("label",{});const cb=el("input",{type:"checkbox",value:it.code});
      cb.checked=!it.extra&&(open||(a.grantedItems||[]).includes(it.code));cb.disabled=!open||it.required||(a.scenario!=="h5"&&!it.extra);
      boxes.push(cb);lab.append(cb," "+(it.kind==="license"?"证照 ":"数据 ")+it.name+(it.required?" (必需)":"")+(it.extra?" (可添加)":""));
      c.append(el("div",{}),lab);
    }
    if(open){
      if(a.status==="PENDING"){const b=el("button",{},"打开");b.onclick=()=>act(()=>api("POST","authorizations/"+a.authorizationId+"/open",{holder:ref()}));c.append(b)}
      const ok=el("button",{},"同意授权");ok.onclick=()=>act(()=>api("POST","authorizations/"+a.authorizationId+"/decide",{decision:"approve",holder:ref(),grantedItems:boxes.filter(b=>b.checked).map(b=>b.value)}));
      const no=el("button",{},"拒绝");no.onclick=()=>act(()=>api("POST","authorizations/"+a.authorizationId+"/decide",{decision:"reject",holder:ref()}));
      c.append(el("br"),ok,no);
    }
    list.append(c);
  }
  if(!j.authorizations.length)list.append(el("div",{className:"card muted"},"暂无授权请求"));
}
async function act(f){try{await f();await load()}catch(e){say(e.message)}}
$("scan").onclick=()=>act(async()=>{const j=await api("POST","scan",{qrContent:$("qr").value,holder:ref()});say("scanned: "+j.authorizationId)});
$("holder").onchange=()=>act(()=>Promise.resolve());
(async()=>{
  try{
    holders=(await api("GET","holders")).holders;
    for(const h of holders)$("holder").append(el("option",{},(h.type==="legal"?"法人 ":"个人 ")+h.name));
    if(q.get("code"))$("qr").value=location.href;
    await load();
    setInterval(()=>load().catch(e=>say(e.message)),3000);
  }catch(e){say(e.message)}
})();
</script></body></html>
`
