/**
 * Malformed policy files, each with the path its error must name. The bad
 * config suite runs every one through the handler against the simulator.
 */
export interface BadConfig {
  name: string;
  file: string;
  /** The path the error must name, exactly as printed. */
  path: string;
}

const head = 'version: 1\npolicies:\n';
const restart = (body: string) =>
  `${head}  r:\n    action: restart\n    select: { tags: { env: staging } }\n${body}`;
const sel = (select: string) => `${head}  r:\n    action: restart\n    select: ${select}\n`;

const bigList = Array.from({ length: 10_000 }, (_, i) => `v${i}`).join(', ');
const billionLaughs = [
  'version: 1',
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'policies: { r: { action: restart, select: { tags: { env: *e } } } }',
].join('\n');

export const BAD_CONFIGS: BadConfig[] = [
  { name: 'empty file', file: '', path: '(root)' },
  { name: 'a bare list', file: '- a\n- b\n', path: '(root)' },
  {
    name: 'version missing',
    file: 'policies:\n  r: { action: cleanup-failed }\n',
    path: 'version',
  },
  {
    name: 'version 2',
    file: 'version: 2\npolicies:\n  r: { action: cleanup-failed }\n',
    path: 'version',
  },
  {
    name: 'version as a string',
    file: 'version: "1"\npolicies:\n  r: { action: cleanup-failed }\n',
    path: 'version',
  },
  { name: 'no policies key', file: 'version: 1\n', path: 'policies' },
  { name: 'no policies at all', file: 'version: 1\npolicies: {}\n', path: 'policies' },
  {
    name: 'unknown top-level key',
    file: `${head}  r: { action: cleanup-failed }\nextra: 1\n`,
    path: 'extra',
  },
  {
    name: 'empty policy name',
    file: `${head}  "": { action: cleanup-failed }\n`,
    path: 'policies[""]',
  },
  {
    name: 'policy name with a space',
    file: `${head}  "my policy": { action: cleanup-failed }\n`,
    path: 'policies["my policy"]',
  },
  { name: 'unknown action', file: `${head}  r: { action: reboot }\n`, path: 'policies.r.action' },
  { name: 'action missing', file: `${head}  r: { dryRun: true }\n`, path: 'policies.r.action' },
  {
    name: 'action delete (not a policy action)',
    file: `${head}  r: { action: delete }\n`,
    path: 'policies.r.action',
  },
  {
    name: 'misspelt select',
    file: `${head}  r:\n    action: restart\n    selcet: { tags: { env: x } }\n`,
    path: 'policies.r.selcet',
  },
  { name: 'misspelt dryRun', file: restart('    dryrun: false\n'), path: 'policies.r.dryrun' },
  { name: 'dryRun as a string', file: restart('    dryRun: "false"\n'), path: 'policies.r.dryRun' },
  { name: 'dryRun as yes', file: restart('    dryRun: yes\n'), path: 'policies.r.dryRun' },
  {
    name: 'restart without select',
    file: `${head}  r: { action: restart }\n`,
    path: 'policies.r.select.tags',
  },
  {
    name: 'restart selecting names only',
    file: sel('{ names: ["kafka-*"] }'),
    path: 'policies.r.select.tags',
  },
  { name: 'restart with empty tags', file: sel('{ tags: {} }'), path: 'policies.r.select.tags' },
  {
    name: 'bad status',
    file: sel('{ tags: { env: x }, status: [RUNING] }'),
    path: 'policies.r.select.status[0]',
  },
  {
    name: 'status not restartable',
    file: sel('{ tags: { env: x }, status: [RUNNING, CREATEFAILED] }'),
    path: 'policies.r.select.status[1]',
  },
  {
    name: 'status as a string',
    file: sel('{ tags: { env: x }, status: RUNNING }'),
    path: 'policies.r.select.status',
  },
  {
    name: 'empty status list',
    file: sel('{ tags: { env: x }, status: [] }'),
    path: 'policies.r.select.status',
  },
  {
    name: 'cleanup with a status',
    file: `${head}  c:\n    action: cleanup-failed\n    select: { tags: { env: x }, status: [RUNNING] }\n`,
    path: 'policies.c.select.status',
  },
  {
    name: 'select with nothing in it',
    file: `${head}  c:\n    action: cleanup-failed\n    select: {}\n`,
    path: 'policies.c.select',
  },
  {
    name: 'numeric tag value',
    file: sel('{ tags: { env: 1 } }'),
    path: 'policies.r.select.tags.env',
  },
  {
    name: 'false as a tag value',
    file: sel('{ tags: { env: false } }'),
    path: 'policies.r.select.tags.env',
  },
  {
    name: 'null tag value',
    file: sel('{ tags: { env: null } }'),
    path: 'policies.r.select.tags.env',
  },
  {
    name: 'nested object tag value',
    file: sel('{ tags: { env: { a: b } } }'),
    path: 'policies.r.select.tags.env',
  },
  {
    name: 'number inside a tag value list',
    file: sel('{ tags: { env: [a, 2] } }'),
    path: 'policies.r.select.tags.env[1]',
  },
  {
    // Read as "any value", it would match auto-restart=false too.
    name: 'unquoted true as a select tag value',
    file: sel('{ tags: { auto-restart: true } }'),
    path: 'policies.r.select.tags.auto-restart',
  },
  {
    name: 'unquoted true inside a tag value list',
    file: sel('{ tags: { env: [staging, true] } }'),
    path: 'policies.r.select.tags.env[1]',
  },
  {
    name: 'unquoted true as an exclude tag value',
    file: restart('    exclude: { tags: { maintenance-protect: true } }\n'),
    path: 'policies.r.exclude.tags.maintenance-protect',
  },
  {
    name: 'unquoted true as an exclude tag value in defaults',
    file: `version: 1\ndefaults: { exclude: { tags: { maintenance-protect: true } } }\npolicies:\n  r: { action: cleanup-failed }\n`,
    path: 'defaults.exclude.tags.maintenance-protect',
  },
  {
    name: 'present: false as a tag value',
    file: sel('{ tags: { env: { present: false } } }'),
    path: 'policies.r.select.tags.env',
  },
  {
    name: 'empty tag value list',
    file: sel('{ tags: { env: [] } }'),
    path: 'policies.r.select.tags.env',
  },
  {
    name: 'tag value list of 10,000 items',
    file: sel(`{ tags: { env: [${bigList}] } }`),
    path: 'policies.r.select.tags.env',
  },
  {
    name: 'tag value over 255 characters',
    file: sel(`{ tags: { env: ${'x'.repeat(300)} } }`),
    path: 'policies.r.select.tags.env',
  },
  { name: 'empty tag key', file: sel('{ tags: { "": x } }'), path: 'policies.r.select.tags[""]' },
  {
    name: 'exclude tags with a number',
    file: restart('    exclude: { tags: { protect: 1 } }\n'),
    path: 'policies.r.exclude.tags.protect',
  },
  {
    name: 'exclude with unknown key',
    file: restart('    exclude: { names: [a] }\n'),
    path: 'policies.r.exclude.names',
  },
  {
    name: 'catastrophic name glob',
    file: sel('{ tags: { env: x }, names: ["*a*a*a*a*a*a*a*a*a*a*b"] }'),
    path: 'policies.r.select.names[0]',
  },
  {
    name: 'brace expansion in a glob',
    file: sel('{ tags: { env: x }, names: ["kafka-{a,b}"] }'),
    path: 'policies.r.select.names[0]',
  },
  {
    name: 'extglob in a glob',
    file: sel('{ tags: { env: x }, names: ["kafka-+(a|b)"] }'),
    path: 'policies.r.select.names[0]',
  },
  {
    name: 'empty glob',
    file: sel('{ tags: { env: x }, names: [""] }'),
    path: 'policies.r.select.names[0]',
  },
  {
    name: 'waitForRunning on a cleanup',
    file: `${head}  c:\n    action: cleanup-failed\n    waitForRunning: true\n`,
    path: 'policies.c.waitForRunning',
  },
  {
    name: 'waitForRunning timeout too short',
    file: restart('    waitForRunning: { timeoutSeconds: 5 }\n'),
    path: 'policies.r.waitForRunning.timeoutSeconds',
  },
  {
    name: 'waitForRunning false',
    file: restart('    waitForRunning: false\n'),
    path: 'policies.r.waitForRunning',
  },
  { name: 'batchSize 0', file: restart('    batchSize: 0\n'), path: 'policies.r.batchSize' },
  { name: 'batchSize 51', file: restart('    batchSize: 51\n'), path: 'policies.r.batchSize' },
  { name: 'batchSize 2.5', file: restart('    batchSize: 2.5\n'), path: 'policies.r.batchSize' },
  {
    name: 'batchSize as a string',
    file: restart('    batchSize: "10"\n'),
    path: 'policies.r.batchSize',
  },
  {
    name: 'maxInstances 0',
    file: restart('    maxInstances: 0\n'),
    path: 'policies.r.maxInstances',
  },
  {
    name: 'maxInstances negative in defaults',
    file: `version: 1\ndefaults: { maxInstances: -1 }\npolicies:\n  r: { action: cleanup-failed }\n`,
    path: 'defaults.maxInstances',
  },
  {
    name: 'unknown key in defaults',
    file: `version: 1\ndefaults: { dryrun: false }\npolicies:\n  r: { action: cleanup-failed }\n`,
    path: 'defaults.dryrun',
  },
  {
    name: 'select in defaults',
    file: `version: 1\ndefaults: { select: { tags: { a: b } } }\npolicies:\n  r: { action: cleanup-failed }\n`,
    path: 'defaults.select',
  },
  {
    name: '__proto__ key',
    file: `{"version":1,"policies":{"r":{"action":"cleanup-failed","__proto__":{"dryRun":false}}}}`,
    path: 'policies.r.__proto__',
  },
  {
    name: 'constructor key',
    file: sel('{ tags: { constructor: x } }'),
    path: 'policies.r.select.tags.constructor',
  },
  {
    name: 'prototype policy name',
    file: `${head}  prototype: { action: cleanup-failed }\n`,
    path: 'policies.prototype',
  },
  {
    name: 'YAML alias',
    file: `${head}  a: &p { action: cleanup-failed }\n  b: *p\n`,
    path: 'policies.a',
  },
  { name: 'billion laughs', file: billionLaughs, path: 'a' },
  {
    name: 'duplicate key',
    file: `${head}  r: { action: cleanup-failed }\n  r: { action: restart }\n`,
    path: 'line 4, column 3',
  },
  {
    name: 'YAML syntax error',
    file: `${head}  r: { action: [cleanup-failed }\n`,
    path: 'line 3, column 32',
  },
  {
    name: 'unknown YAML tag',
    file: `${head}  r: { action: !!js/function cleanup-failed }\n`,
    path: 'line 3, column 16',
  },
  { name: 'malformed JSON', file: '{"version": 1, "policies": {', path: 'line 1, column 29' },
  {
    name: 'an unknown time zone',
    file: restart('    window: { timezone: Europe/Berlinn, start: "02:00", end: "05:00" }\n'),
    path: 'policies.r.window.timezone',
  },
  {
    name: 'a window day that is not one',
    file: restart(
      '    window: { timezone: UTC, days: [saturday], start: "02:00", end: "05:00" }\n',
    ),
    path: 'policies.r.window.days[0]',
  },
  {
    name: 'a window time that is not HH:MM',
    file: restart('    window: { timezone: UTC, start: "2:00", end: "05:00" }\n'),
    path: 'policies.r.window.start',
  },
  {
    name: 'a window with no length',
    file: restart('    window: { timezone: UTC, start: "02:00", end: "02:00" }\n'),
    path: 'policies.r.window.end',
  },
  {
    name: 'a cutoff as long as the window',
    file: restart(
      '    window: { timezone: UTC, start: "23:00", end: "01:00", cutoffMinutes: 120 }\n',
    ),
    path: 'policies.r.window.cutoffMinutes',
  },
  {
    name: 'a window whose end before its start makes it 21 hours long',
    file: restart('    window: { timezone: UTC, start: "05:00", end: "02:00" }\n'),
    path: 'policies.r.window.end',
  },
  {
    name: 'a window on a cleanup policy',
    file: `${head}  c:\n    action: cleanup-failed\n    window: { timezone: UTC, start: "02:00", end: "05:00" }\n`,
    path: 'policies.c.window',
  },
  {
    name: 'minAgeHours on a restart policy',
    file: restart('    minAgeHours: 24\n'),
    path: 'policies.r.minAgeHours',
  },
  {
    name: 'forceDelete that is not a boolean',
    file: `${head}  c:\n    action: cleanup-failed\n    forceDelete: "yes"\n`,
    path: 'policies.c.forceDelete',
  },
];
