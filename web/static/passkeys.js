// Passkeys (WebAuthn) in the portal: sign in with one, and add one on "Mijn account".
// The server (py_webauthn) sends options with base64url fields and checks what comes back.
"use strict";

function fromBase64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
}

function toBase64url(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  bytes.forEach((b) => { text += String.fromCharCode(b); });
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function withBuffers(options) {
  options.challenge = fromBase64url(options.challenge);
  if (options.user) options.user.id = fromBase64url(options.user.id);
  for (const list of [options.allowCredentials, options.excludeCredentials]) {
    (list || []).forEach((c) => { c.id = fromBase64url(c.id); });
  }
  return options;
}

function credentialJson(credential) {
  const r = credential.response;
  const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toBase64url(r.attestationObject);
    response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    response.authenticatorData = toBase64url(r.authenticatorData);
    response.signature = toBase64url(r.signature);
    if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
  }
  return {
    id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type, response,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment,
  };
}

async function postJson(url, csrf, body) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error || "Dat lukte niet.");
  return answer;
}

function say(text) {
  const status = document.getElementById("passkey-status");
  if (status) status.textContent = text;
}

async function signIn(button) {
  try {
    const options = await postJson(button.dataset.options, button.dataset.csrf, {});
    const credential = await navigator.credentials.get({ publicKey: withBuffers(options) });
    const answer = await postJson(button.dataset.verify, button.dataset.csrf, credentialJson(credential));
    window.location.assign(answer.next);
  } catch (error) {
    say(error.message || "Inloggen met de passkey lukte niet.");
  }
}

async function register(button) {
  const form = button.form;
  const fields = {
    password: form.querySelector("input[type=password]").value,
    code: form.querySelector("input[autocomplete=one-time-code]").value,
    name: form.querySelector("#passkey-name").value,
  };
  try {
    const options = await postJson(button.dataset.options, button.dataset.csrf, fields);
    const credential = await navigator.credentials.create({ publicKey: withBuffers(options) });
    const answer = await postJson(button.dataset.register, button.dataset.csrf,
                                  { credential: credentialJson(credential), name: fields.name });
    window.location.assign(answer.next);
  } catch (error) {
    say(error.message || "De passkey toevoegen lukte niet.");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const signInButton = document.getElementById("passkey-sign-in");
  if (signInButton) signInButton.addEventListener("click", () => signIn(signInButton));
  const registerButton = document.getElementById("passkey-register");
  if (registerButton) registerButton.addEventListener("click", () => register(registerButton));
});
