// early.js - the first requests of the screen being opened, asked as soon as
// this small module arrives (it is loaded async and imports nothing), while
// the rest of the page's scripts are still on their way; and the addresses
// those screens read, so that the screens and this list name them in one
// place. A screen's first GET of an address asked early takes that answer
// once (api.js); an answer that is not a success is asked again, so a
// session that ended or began meanwhile is never answered from here.
// The addresses the screens read first.
export const urls = {
  borrowers: () => '/borrowers?limit=20',
  borrower: (id) => `/borrowers/${id}`,
  file: (id) => `/applications/${id}/file`,
  loans: (preset) => (preset === 'overdue' ? '/loans?min_dpd=1&limit=20' : '/loans?limit=20'),
  loan: (id) => `/loans/${id}`,
  // Without a date the server answers for its business date.
  due: () => '/inspections/due',
};

// Route name -> the first requests of its screen (those that do not depend
// on who is signed in; the workbench's do, and wait for the session).
const first = {
  borrowers: () => [urls.borrowers()],
  borrower: (id) => [urls.borrower(id)],
  application: (id) => [urls.file(id)],
  loans: (preset) => [urls.loans(preset)],
  loan: (id) => [urls.loan(id)],
  inspections: () => [urls.due()],
};

const asked = new Map();

function ask() {
  const [, name = '', arg] = (location.hash || '#/').split('/');
  const make = first[name];
  if (!make) return;
  const lang = localStorage.getItem('loandesk.lang') === 'en' ? 'en' : 'zh-CN';
  for (const path of make(arg && decodeURIComponent(arg))) {
    const answer = fetch(`/api/v1${path}`, { headers: { Accept: 'application/json', 'Accept-Language': lang }, credentials: 'same-origin' })
      .catch(() => null);
    asked.set(path, answer);
  }
}

// The early answer to path (a Response), once, or null.
export function takeEarly(path) {
  const answer = asked.get(path);
  if (!answer) return null;
  asked.delete(path);
  return answer;
}

ask();
