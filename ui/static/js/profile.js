// The profile's Signals card: the volume read-out, a sample of the sound,
// and the browser's permission for notifications, which is asked only
// when the user turns notifications on (or presses the button that says
// so), never on page load.

import { notificationState } from './signals.js';

const $ = (id) => document.getElementById(id);

function wireVolume() {
  const input = $('sound_volume');
  input.addEventListener('input', () => { $('sound-volume-out').textContent = input.value; });
}

function wireSoundTest() {
  const btn = $('sound-test');
  const status = $('sound-test-status');
  btn.addEventListener('click', async () => {
    if ($('sound_muted').checked) { status.textContent = 'The sound is muted: untick “Mute the sound” to hear it.'; return; }
    const audio = new Audio(btn.dataset.sound);
    audio.volume = Number($('sound_volume').value) / 100;
    status.textContent = '';
    try {
      await audio.play();
    } catch (e) {
      status.textContent = `This browser did not play the sound (${e.name}).`;
    }
  });
}

// showNotifyState says what this browser allows, and offers the request
// when the setting is on but the browser was never asked.
function showNotifyState() {
  const on = $('notify').checked;
  const { state, message } = notificationState();
  $('notify-allow').hidden = !(on && state === 'default');
  if (!on) { $('notify-status').textContent = ''; return; }
  $('notify-status').textContent = state === 'default'
    ? 'This browser has not been allowed to show notifications from FocusFlow yet.' : message;
}

async function askPermission() {
  if (notificationState().state !== 'default') { showNotifyState(); return; }
  try {
    await Notification.requestPermission();
  } catch { /* older browsers answer through a callback only */ }
  showNotifyState();
}

function wireNotify() {
  $('notify').addEventListener('change', () => { if ($('notify').checked) askPermission(); else showNotifyState(); });
  $('notify-allow').addEventListener('click', askPermission);
  showNotifyState();
}

if ($('signals-form')) {
  wireVolume();
  wireSoundTest();
  wireNotify();
}
