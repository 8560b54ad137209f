// The Vigil dashboard: a single page with hash routes.
//   #/ward (default)  admitted patients by risk        pages/ward.js
//   #/patient/{id}    one patient                      pages/patient.js
//   #/data            what the store holds             pages/data.js
//   #/cohorts         cohort explorer                  pages/cohorts.js
import { setToken, token } from './api.js';
import { clear, errorBox } from './dom.js';
import { cohortsPage } from './pages/cohorts.js';
import { dataPage } from './pages/data.js';
import { patientPage } from './pages/patient.js';
import { wardPage } from './pages/ward.js';

const main = document.getElementById('main');
let current = null;  // AbortController of the page shown

function route() {
  const parts = (location.hash || '#/ward').replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const page = parts[0] || 'ward';
  return { page, arg: parts[1] };
}

async function show() {
  if (current) current.abort();
  current = new AbortController();
  const { signal } = current;
  const { page, arg } = route();
  clear(main);
  main.dataset.page = page;
  document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === page));
  main.dataset.ready = 'false';
  try {
    if (page === 'patient' && arg) {
      document.title = `Patient ${arg} · Vigil`;
      await patientPage(main, signal, arg);
    } else if (page === 'data') {
      document.title = 'Data · Vigil';
      await dataPage(main, signal);
    } else if (page === 'cohorts') {
      document.title = 'Cohorts · Vigil';
      cohortsPage(main, signal);
    } else {
      document.title = 'Ward · Vigil';
      await wardPage(main, signal);
    }
  } catch (e) {
    main.append(errorBox(e));
  }
  if (!signal.aborted) main.dataset.ready = 'true';
}

document.getElementById('find').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const id = document.getElementById('find-id').value.trim();
  if (id) location.hash = `#/patient/${encodeURIComponent(id)}`;
});

const tokenButton = document.getElementById('token');
const showToken = () => tokenButton.classList.toggle('set', !!token());
tokenButton.addEventListener('click', () => {
  const value = prompt('Bearer token for this server (empty to forget it):', token());
  if (value === null) return;
  setToken(value.trim());
  showToken();
  show();
});
showToken();

window.addEventListener('hashchange', show);
show();
