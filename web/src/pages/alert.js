// The active alert Flag of a patient with the clinician's feedback buttons:
// POST /api/alerts/{flagId}/feedback {"action": "acknowledge"} or
// {"action": "dismiss", "reason": "..."}; the answer (or the error) is shown.
import { post } from '../api.js';
import { formatTime, h } from '../dom.js';

function describe(answer) {
  if (!answer) return 'done';
  if (answer.resourceType === 'Flag') return `the alert is now ${answer.status}`;
  if (typeof answer.status === 'string') return answer.status;
  if (typeof answer.message === 'string') return answer.message;
  return JSON.stringify(answer).slice(0, 200);
}

export function alertPanel(alert) {
  const result = h('p', { class: 'feedback-result', id: 'feedback-result', role: 'status' });
  const reason = h('input', { id: 'dismiss-reason', placeholder: 'Reason for dismissing', 'aria-label': 'Reason for dismissing' });
  const buttons = [];
  const send = async (body, label) => {
    buttons.forEach((b) => { b.disabled = true; });
    result.className = 'feedback-result';
    result.textContent = `${label}…`;
    try {
      const answer = await post(`/api/alerts/${encodeURIComponent(alert.id)}/feedback`, body);
      result.textContent = `${label}: ${describe(answer)}`;
      result.classList.add('ok');
      if (body.action === 'acknowledge') dismiss.disabled = false;  // acknowledged alerts can still be dismissed
    } catch (e) {
      result.textContent = e.status === 404 || e.status === 405
        ? `${label} failed: this server has no alert feedback API (${e.message})`
        : `${label} failed: ${e.message}`;
      result.classList.add('failed');
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
  const acknowledge = h('button', { type: 'button', id: 'acknowledge', onclick: () => send({ action: 'acknowledge' }, 'Acknowledged') }, 'Acknowledge');
  const dismiss = h('button', { type: 'button', id: 'dismiss', onclick: () => {
    const text = reason.value.trim();
    if (!text) {
      result.className = 'feedback-result failed';
      result.textContent = 'Give a reason to dismiss the alert.';
      reason.focus();
      return;
    }
    send({ action: 'dismiss', reason: text }, 'Dismissed');
  } }, 'Dismiss');
  buttons.push(acknowledge, dismiss);
  return h('section', { class: 'panel alert-panel', dataset: { flag: alert.id } },
    h('h2', {}, '⚠ ', alert.text || 'Alert'),
    h('p', {}, `Raised ${formatTime(alert.start)}`, alert.raisedBy ? ` by ${alert.raisedBy}` : '', ` · Flag/${alert.id}`),
    h('div', { class: 'actions' }, acknowledge, reason, dismiss),
    result);
}
