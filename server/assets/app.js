// tributary: the one script of every page, served from the daemon so a
// strict Content-Security-Policy (script-src 'self') allows it. Without it
// the pages still work: the feed URLs stay visible and selectable.
"use strict";
(function () {
	var status = document.getElementById("copy-status");
	function say(text) {
		if (status) status.textContent = text;
	}
	function fallback(input) {
		input.focus();
		input.select();
		try {
			return document.execCommand("copy");
		} catch (e) {
			return false;
		}
	}
	function done(button, ok, label) {
		button.dataset.state = ok ? "done" : "";
		button.textContent = ok ? "Copied" : "Press Ctrl+C";
		say(ok ? label + " URL copied" : "Select the URL and copy it");
		window.setTimeout(function () {
			button.dataset.state = "";
			button.textContent = "Copy";
		}, 2500);
	}
	document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
		var input = document.getElementById(button.dataset.copy);
		if (!input) return;
		var label = button.dataset.label || "Feed";
		button.hidden = false;
		input.addEventListener("focus", function () { input.select(); });
		button.addEventListener("click", function () {
			var url = input.value;
			if (navigator.clipboard && window.isSecureContext) {
				navigator.clipboard.writeText(url).then(
					function () { done(button, true, label); },
					function () { done(button, fallback(input), label); });
			} else {
				done(button, fallback(input), label);
			}
		});
	});
})();
