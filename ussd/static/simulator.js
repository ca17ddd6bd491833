/* The phone simulator's behaviour: keypad and USSD session, SMS with a live segment count, and
   the inbox of messages AnSinh sent to the chosen phone. Plain JavaScript, no library. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("sim-config").textContent);
  var T = config.texts;
  var $ = function (id) { return document.getElementById(id); };
  var display = $("display"), entry = $("entry"), meter = $("meter");
  var ussd = { session: null, path: null, busy: false, counter: 0 };
  var inboxTimer = null, sizeTimer = null;

  function phone() { return $("phone").value.trim(); }

  // Only the service's own (Vietnamese) messages reach the page: a network failure or an answer
  // that is not JSON (a proxy's error page) becomes T.failed, never the browser's English text.
  function post(url, body) {
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .catch(function () { throw new Error(T.failed); })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          if (!response.ok || data === null) { throw new Error((data && data.error) || T.failed); }
          return data;
        });
      });
  }

  function show(text) { display.textContent = text; display.scrollTop = 0; }
  function sizeLine(size) {
    return size.characters + " " + T.characters + " · " + size.segments + " " + T.segments + " (" + size.encoding + ")";
  }

  // -- USSD -------------------------------------------------------------------------------------
  function resetUssd(message) {
    ussd.session = null; ussd.path = null; entry.textContent = "";
    show(message || T.dial_hint); meter.textContent = "\u00a0";
  }

  function ussdStep(text) {
    if (!phone()) { show(T.no_phone); return; }
    ussd.busy = true;
    show(T.sending);
    post("/simulator/ussd", { phone: phone(), session: ussd.session, text: text }).then(function (data) {
      show(data.screen);
      meter.textContent = data.chars + " / " + data.limit + " " + T.characters;
      if (data.end) { ussd.session = null; ussd.path = null; display.textContent += "\n\n" + T.ended; }
      refreshInbox();
    }).catch(function (error) { show(error.message); ussd.session = null; })
      .then(function () { ussd.busy = false; });
  }

  function press(key) { if (!ussd.busy) { entry.textContent = (entry.textContent + key).slice(0, 182); } }

  function call() {
    if (ussd.busy) { return; }
    var typed = entry.textContent;
    entry.textContent = "";
    if (ussd.session === null) {
      if (typed !== config.serviceCode) { show(T.dial_hint); return; }
      ussd.counter += 1;
      ussd.session = config.seed + "-" + ussd.counter + "-" + Date.now().toString(36);
      ussd.path = "";
      ussdStep("");
      return;
    }
    ussd.path = ussd.path === "" ? typed : ussd.path + "*" + typed;
    ussdStep(ussd.path);
  }

  document.querySelectorAll(".key.digit").forEach(function (button) {
    button.addEventListener("click", function () { press(button.dataset.key); });
  });
  $("call").addEventListener("click", call);
  $("clear").addEventListener("click", function () { entry.textContent = entry.textContent.slice(0, -1); });
  $("end").addEventListener("click", function () { resetUssd(); });
  document.addEventListener("keydown", function (event) {
    var target = event.target.tagName;
    if (target === "INPUT" || target === "TEXTAREA" || target === "SELECT") { return; }
    if (/^[0-9*#]$/.test(event.key)) { press(event.key); event.preventDefault(); }
    else if (event.key === "Enter") { call(); event.preventDefault(); }
    else if (event.key === "Backspace") { entry.textContent = entry.textContent.slice(0, -1); event.preventDefault(); }
    else if (event.key === "Escape") { resetUssd(); }
  });

  // -- SMS --------------------------------------------------------------------------------------
  function bubble(list, who, text, meta) {
    var item = document.createElement("li");
    item.className = who;
    item.textContent = text;
    var small = document.createElement("span");
    small.className = "meta";
    small.textContent = meta;
    item.appendChild(small);
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
  }

  $("sms-text").addEventListener("input", function () {
    clearTimeout(sizeTimer);
    sizeTimer = setTimeout(function () {
      post("/simulator/size", { text: $("sms-text").value }).then(function (size) {
        $("sms-meter").textContent = sizeLine(size);
      }).catch(function () {});
    }, 150);
  });

  $("sms-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = $("sms-text").value;
    if (!phone()) { $("sms-meter").textContent = T.no_phone; return; }
    if (!text.trim()) { return; }
    $("sms-send").disabled = true;
    post("/simulator/sms", { phone: phone(), text: text }).then(function (data) {
      bubble($("thread"), "me", text, T.from_me + " · " + sizeLine(data.sent));
      data.replies.forEach(function (reply) { bubble($("thread"), "them", reply.text, T.from_service + " · " + sizeLine(reply.size)); });
      $("sms-text").value = "";
      $("sms-meter").textContent = "\u00a0";
      refreshInbox();
    }).catch(function (error) { $("sms-meter").textContent = error.message; })
      .then(function () { $("sms-send").disabled = false; });
  });

  // -- inbox ------------------------------------------------------------------------------------
  function refreshInbox() {
    var number = phone();
    var list = $("inbox");
    if (!number) { list.innerHTML = ""; return; }
    fetch("/simulator/inbox?phone=" + encodeURIComponent(number)).then(function (response) { return response.json(); })
      .then(function (data) {
        if (number !== phone()) { return; }
        list.innerHTML = "";
        if (!data.messages || data.messages.length === 0) {
          var empty = document.createElement("li"); empty.className = "empty"; empty.textContent = T.empty_inbox;
          list.appendChild(empty); return;
        }
        data.messages.forEach(function (message) {
          bubble(list, "them", message.text, message.at + " · " + sizeLine(message.size) + " · " + message.status);
        });
        list.scrollTop = 0;
      }).catch(function () {});
  }

  function choosePhone() {
    resetUssd();
    $("thread").innerHTML = "";
    refreshInbox();
    clearInterval(inboxTimer);
    inboxTimer = setInterval(refreshInbox, 3000);
  }

  $("identity").addEventListener("change", function () {
    var option = this.options[this.selectedIndex];
    $("phone").value = this.value;
    $("hint").textContent = option.dataset.hint || "";
    choosePhone();
  });
  $("phone").addEventListener("change", choosePhone);
  resetUssd();
})();
