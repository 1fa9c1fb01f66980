import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  expectedCnamePrefix, inferProviders, loadSelectorCatalog, providerOfCname, spfIncludeTargets, validateSelectorCatalog,
} from '../../src/dkim/selector-catalog.ts';

test('the shipped catalogue is valid and names the providers the audit relies on', () => {
  const catalog = loadSelectorCatalog();
  const selectors = (id: string) => catalog.providers.find((p) => p.id === id)!.selectors;
  assert.deepEqual(selectors('google-workspace'), ['google']);
  assert.deepEqual(selectors('microsoft-365'), ['selector1', 'selector2']);
  assert.ok(['s1', 's2', 'smtpapi'].every((s) => selectors('sendgrid').includes(s)));
  assert.ok(['k1', 'k2', 'k3', 'mandrill', 'mte1'].every((s) => selectors('mailchimp').includes(s)));
  assert.ok(['mx', 'smtp', 'mailo', 'krs'].every((s) => selectors('mailgun').includes(s)));
  assert.deepEqual(selectors('zoho'), ['zmail', 'zoho']);
  assert.deepEqual(selectors('proton'), ['protonmail', 'protonmail2', 'protonmail3']);
  assert.deepEqual(selectors('fastmail'), ['fm1', 'fm2', 'fm3']);
  assert.ok(catalog.providers.some((p) => p.id === 'amazon-ses' && p.noteIfInferred));
  assert.ok(catalog.providers.some((p) => p.id === 'postmark'));
  for (const generic of ['default', 'dkim', 'mail', 's1', 's2', 'k1', 'k2', 'selector1', 'selector2']) assert.ok(catalog.generic.includes(generic), generic);
  // the raw file says where its names come from
  const raw = JSON.parse(readFileSync(new URL('../../data/dkim-selectors.json', import.meta.url), 'utf8'));
  assert.match(raw.$comment, /RFC 6376/);
  for (const p of raw.providers) assert.match(p.source, /^https:\/\//);
});

test('the validator lists every problem', () => {
  assert.throws(() => validateSelectorCatalog({ version: 2, providers: [{ id: 'Bad Id', name: '', selectors: ['UPPER'], mxSuffixes: [], spfIncludes: [], cnameSuffixes: [], source: 'ftp://x' }], generic: 'x' }),
    (error: Error) => /version must be 1/.test(error.message) && /kebab-case/.test(error.message) && /UPPER/.test(error.message)
      && /https:\/\//.test(error.message) && /generic must be an array/.test(error.message) && /noteIfInferred|name is required/.test(error.message));
  assert.throws(() => validateSelectorCatalog({ version: 1, providers: [{ id: 'x', name: 'X', selectors: [], mxSuffixes: [], spfIncludes: [], cnameSuffixes: [], source: 'https://x' }], generic: [] }), /needs noteIfInferred/);
});

test('providers are inferred from MX hosts and SPF include/redirect targets', () => {
  const catalog = loadSelectorCatalog();
  const inferred = inferProviders(catalog, ['aspmx.l.google.com', 'contoso-com.mail.protection.outlook.com'], ['spf.messagingengine.com', 'amazonses.com']);
  assert.deepEqual(inferred.map((i) => [i.provider.id, i.reason]), [
    ['google-workspace', 'MX aspmx.l.google.com'],
    ['microsoft-365', 'MX contoso-com.mail.protection.outlook.com'],
    ['amazon-ses', 'SPF include amazonses.com'],
    ['fastmail', 'SPF include spf.messagingengine.com'],
  ]);
  assert.deepEqual(inferProviders(catalog, ['notgoogle.com.example'], ['_spf.google.com.evil.example']), []);
});

test('SPF include and redirect targets, without macros', () => {
  assert.deepEqual(spfIncludeTargets('v=spf1 ip4:192.0.2.1 include:_spf.Google.com ~include:sendgrid.net include:%{d}.x.example redirect=_spf.example.net -all'),
    ['_spf.google.com', 'sendgrid.net', '_spf.example.net']);
});

test('CNAME targets name the hosting provider; Microsoft 365 expects selector-domain-with-dashes', () => {
  const catalog = loadSelectorCatalog();
  assert.equal(providerOfCname(catalog, ['selector1-example-com._domainkey.contoso.onmicrosoft.com'])?.id, 'microsoft-365');
  assert.equal(providerOfCname(catalog, ['s1.domainkey.u123.wl.sendgrid.net'])?.id, 'sendgrid');
  assert.equal(providerOfCname(catalog, ['key.example.org']), null);
  const ms = catalog.providers.find((p) => p.id === 'microsoft-365')!;
  assert.equal(expectedCnamePrefix(ms, 'selector1', 'mail.Example.com'), 'selector1-mail-example-com._domainkey.');
  assert.equal(expectedCnamePrefix(catalog.providers.find((p) => p.id === 'fastmail')!, 'fm1', 'example.com'), null);
});
