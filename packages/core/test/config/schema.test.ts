import { checkConfigShape } from '../../src/config/schema.js';

const lines = (config: unknown) => checkConfigShape(config).map((i) => `${i.path}: ${i.message}`);

const store = { get: async () => undefined, set: async () => undefined, delete: async () => undefined };

describe('checkConfigShape', () => {
  test('a complete, valid config has no issues; undefined values count as absent', () => {
    expect(
      lines({
        account: {
          name: 'my-bot.v2_x',
          dataDir: '.data',
          loginMode: 'auto',
          desktop: { clientVersion: '1', extspam: 'x', userAgent: 'ua' },
          hosts: { login: 'https://login.wx.qq.com', main: 'http://127.0.0.1:8080', file: undefined },
          sessionStore: store,
          qr: { terminal: false, pngPath: false, maxRefreshes: 0 },
        },
        logging: { level: 'silent', pretty: true },
        rateLimits: { text: { burst: 5, perSecond: 0.5 }, misc: { burst: 1, perSecond: 1 } },
        sends: { maxAgeMs: 600_000, reconcileMs: 60_000 },
        runtime: { handlerTimeoutMs: 1, setupTimeoutMs: 10, maxFailures: 3, failureWindowMs: 60_000 },
        storage: { namespace: () => ({}) },
        plugins: ['x', null, false],
      }),
    ).toEqual([]);
    expect(lines({})).toEqual([]);
    expect(lines({ account: { desktop: true, qr: { pngPath: 'qr.png' } } })).toEqual([]);
    expect(lines({ account: { historyCutoffSeconds: false } })).toEqual([]);
    expect(lines({ account: { historyCutoffSeconds: 0 } })).toEqual([]);
  });

  test("account.transport: 'web' or 'ilink', with account.ilink's URLs and reply window", () => {
    expect(lines({ account: { transport: 'web' } })).toEqual([]);
    expect(
      lines({
        account: {
          transport: 'ilink',
          ilink: { apiBaseUrl: 'http://127.0.0.1:9', cdnBaseUrl: 'https://cdn.example/c2c', replyWindowMs: null },
        },
      }),
    ).toEqual([]);
    expect(
      lines({ account: { transport: 'ilnk', ilink: { apiBaseUrl: 'ilinkai', replyWindowMs: 0, cdnBaseUr: 'x' } } }),
    ).toEqual([
      'account.transport: expected one of "web"|"ilink", got "ilnk"',
      'account.ilink.apiBaseUrl: expected a URL like https://ilinkai.weixin.qq.com',
      'account.ilink.replyWindowMs: expected a number > 0, got 0',
      'account.ilink.cdnBaseUr: unknown option (did you mean "cdnBaseUrl"?)',
    ]);
  });

  test('account.historyCutoffSeconds: whole seconds >= 0, or false', () => {
    expect(lines({ account: { historyCutoffSeconds: -1 } })).toEqual([
      'account.historyCutoffSeconds: expected a number >= 0, got -1',
    ]);
    expect(lines({ account: { historyCutoffSeconds: 1.5 } })).toEqual([
      'account.historyCutoffSeconds: expected an integer, got 1.5',
    ]);
    expect(lines({ account: { historyCutoffSeconds: true } })).toEqual([
      'account.historyCutoffSeconds: expected seconds (an integer >= 0) or false, got boolean',
    ]);
  });

  test('sends: whole positive milliseconds, known keys only', () => {
    expect(lines({ sends: { maxAgeMs: 0, reconcileMs: 1.5, maxAge: 1 } })).toEqual([
      'sends.maxAgeMs: expected a number > 0, got 0',
      'sends.reconcileMs: expected an integer, got 1.5',
      'sends.maxAge: unknown option (did you mean "maxAgeMs"?)',
    ]);
  });

  test('account.proxy is a proxy URL or false', () => {
    expect(lines({ account: { proxy: 'http://user:pass@proxy.example:3128' } })).toEqual([]);
    expect(lines({ account: { proxy: false } })).toEqual([]);
    expect(lines({ account: { proxy: true } })).toEqual(['account.proxy: expected a proxy URL or false, got boolean']);
    expect(lines({ account: { proxy: 'socks5://x:1' } })).toEqual([
      'account.proxy: expected a proxy URL like http://proxy.example:3128 (http:// or https://, no path)',
    ]);
  });

  test('a config that is not an object', () => {
    expect(lines([])).toEqual([': expected the config to be an object, got an array']);
    expect(lines(null)).toEqual([': expected the config to be an object, got object']);
    expect(lines('x')).toEqual([': expected the config to be an object, got string']);
  });

  test('every problem, in order: known keys as declared, then unknown keys with the likely name', () => {
    expect(
      lines({
        acount: {},
        account: { name: 'bad name', loginMode: 'magic', dataDirr: 'x' },
        rateLimits: { text: { burst: 0, perSecond: 1 } },
      }),
    ).toEqual([
      'account.name: use letters, digits, ".", "_" or "-" (it names files)',
      'account.loginMode: expected one of "auto"|"qr"|"push"|"hot", got "magic"',
      'account.dataDirr: unknown option (did you mean "dataDir"?)',
      'rateLimits.text.burst: expected a number > 0, got 0',
      'acount: unknown option (did you mean "account"?)',
    ]);
  });

  test('types, numbers and origins', () => {
    expect(
      lines({
        account: {
          name: 7,
          dataDir: '',
          desktop: 'yes',
          hosts: { login: 'https://wx.qq.com/path', main: 'wx.qq.com' },
          sessionStore: { get() {} },
          qr: { terminal: 'no', pngPath: true, maxRefreshes: -1 },
        },
        logging: { level: 5 },
        rateLimits: { text: { burst: 1.5 }, room: { burst: 2, perSecond: Number.NaN }, media: 'fast' },
        runtime: { handlerTimeoutMs: Infinity, maxFailures: 0 },
        storage: {},
        plugins: { a: 1 },
      }),
    ).toEqual([
      'account.name: expected string, got number',
      'account.dataDir: expected a non-empty string',
      'account.desktop: expected object, got string',
      'account.hosts.login: expected an origin like https://wx2.qq.com (no path)',
      'account.hosts.main: expected an origin like https://wx2.qq.com (no path)',
      'account.sessionStore: expected a SessionStore ({ get, set, delete })',
      'account.qr.terminal: expected boolean, got string',
      'account.qr.pngPath: expected string or false, got boolean',
      'account.qr.maxRefreshes: expected a number >= 0, got -1',
      'logging.level: expected one of "trace"|"debug"|"info"|"warn"|"error"|"fatal"|"silent", got number',
      'rateLimits.text.perSecond: required',
      'rateLimits.text.burst: expected an integer, got 1.5',
      'rateLimits.media: expected object, got string',
      'rateLimits.room.perSecond: expected finite number, got NaN',
      'runtime.handlerTimeoutMs: expected finite number, got Infinity',
      'runtime.maxFailures: expected a number > 0, got 0',
      'storage: expected a StorageDriver ({ namespace(name) })',
      'plugins: expected array, got object',
    ]);
  });

  test('unknown keys far from every known one get no suggestion; odd keys are quoted in the path', () => {
    expect(lines({ logging: { zzzzzzzz: 1, 'has space': 2 } })).toEqual([
      'logging.zzzzzzzz: unknown option',
      'logging["has space"]: unknown option',
    ]);
  });

  test.each([
    [{ account: null }, ['account: expected object, got null']],
    [{ account: [] }, ['account: expected object, got array']],
    [{ rateLimits: { text: null } }, ['rateLimits.text: expected object, got null']],
    [{ rateLimits: { friend: [] } }, ['rateLimits.friend: expected object, got array']],
    [{ rateLimits: { misc: {} } }, ['rateLimits.misc.burst: required', 'rateLimits.misc.perSecond: required']],
    [{ rateLimits: { room: { burst: 1, perSecond: 0 } } }, ['rateLimits.room.perSecond: expected a number > 0, got 0']],
    [
      { rateLimits: { room: { burst: 1, perSecond: -0.5 } } },
      ['rateLimits.room.perSecond: expected a number > 0, got -0.5'],
    ],
    [
      { rateLimits: { media: { burst: 1, perSecond: '1' } } },
      ['rateLimits.media.perSecond: expected finite number, got string'],
    ],
    [{ rateLimits: { room: { burst: 1, perSecond: 1, x: 1 } } }, ['rateLimits.room.x: unknown option']],
    [{ account: { name: '' } }, ['account.name: use letters, digits, ".", "_" or "-" (it names files)']],
    [{ account: { name: 'a/b' } }, ['account.name: use letters, digits, ".", "_" or "-" (it names files)']],
    [{ account: { name: 'x\nname' } }, ['account.name: use letters, digits, ".", "_" or "-" (it names files)']],
    [{ account: { dataDir: 5 } }, ['account.dataDir: expected string, got number']],
    [{ account: { loginMode: 'hot' } }, []],
    [{ account: { loginMode: 'Auto' } }, ['account.loginMode: expected one of "auto"|"qr"|"push"|"hot", got "Auto"']],
    [{ account: { loginMode: null } }, ['account.loginMode: expected one of "auto"|"qr"|"push"|"hot", got null']],
    [{ account: { desktop: false } }, []],
    [
      { account: { desktop: { clientVersion: 1, agent: 'x' } } },
      ['account.desktop.clientVersion: expected string, got number', 'account.desktop.agent: unknown option'],
    ],
    [{ account: { hosts: { file: 'https://file.wx.qq.com', push: 'http://127.0.0.1:8080' } } }, []],
    [
      { account: { hosts: { file: 'https://wx.qq.com/' } } },
      ['account.hosts.file: expected an origin like https://wx2.qq.com (no path)'],
    ],
    [
      { account: { hosts: { push: 'ftp://wx.qq.com' } } },
      ['account.hosts.push: expected an origin like https://wx2.qq.com (no path)'],
    ],
    [
      { account: { hosts: { main: 'https://wx qq.com' } } },
      ['account.hosts.main: expected an origin like https://wx2.qq.com (no path)'],
    ],
    [
      { account: { hosts: { main: 'x https://wx.qq.com' } } },
      ['account.hosts.main: expected an origin like https://wx2.qq.com (no path)'],
    ],
    [{ account: { sessionStore: null } }, ['account.sessionStore: expected a SessionStore ({ get, set, delete })']],
    [
      { account: { sessionStore: { get() {}, set() {}, delete: 1 } } },
      ['account.sessionStore: expected a SessionStore ({ get, set, delete })'],
    ],
    [{ account: { qr: { pngPath: 0 } } }, ['account.qr.pngPath: expected string or false, got number']],
    [{ account: { qr: { maxRefreshes: 2.5 } } }, ['account.qr.maxRefreshes: expected an integer, got 2.5']],
    [{ account: { historyCutoffSeconds: 3600 } }, []],
    [
      { account: { historyCutoffSeconds: null } },
      ['account.historyCutoffSeconds: expected seconds (an integer >= 0) or false, got null'],
    ],
    [{ logging: { pretty: 'yes' } }, ['logging.pretty: expected boolean, got string']],
    [
      { logging: { level: 'verbose' } },
      ['logging.level: expected one of "trace"|"debug"|"info"|"warn"|"error"|"fatal"|"silent", got "verbose"'],
    ],
    [
      { runtime: { setupTimeoutMs: 0, failureWindowMs: 2.5, maxFailures: 1.5 } },
      [
        'runtime.setupTimeoutMs: expected a number > 0, got 0',
        'runtime.maxFailures: expected an integer, got 1.5',
        'runtime.failureWindowMs: expected an integer, got 2.5',
      ],
    ],
    [{ runtime: { handlerTimeoutMs: -Infinity } }, ['runtime.handlerTimeoutMs: expected finite number, got -Infinity']],
    [{ storage: null }, ['storage: expected a StorageDriver ({ namespace(name) })']],
    [{ storage: { namespace: 'x' } }, ['storage: expected a StorageDriver ({ namespace(name) })']],
    [{ plugins: 'x' }, ['plugins: expected array, got string']],
  ] as [unknown, string[]][])('%j', (config, expected) => {
    expect(lines(config)).toEqual(expected);
  });
});
